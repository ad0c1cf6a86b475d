import warnings


def test_warns_elsewhere():
    warnings.warn(RuntimeWarning("from another module"))
