def test_t0(mod):
    pass


def test_t1(mod):
    pass


def test_t2(mod):
    pass


def test_t3(mod):
    pass


def test_t4(mod):
    pass


def test_t5(mod):
    pass


def test_t6(mod):
    pass


def test_t7(mod):
    pass


def test_t8(mod):
    pass
