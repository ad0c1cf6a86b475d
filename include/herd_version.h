/* herd_version.h - herd's version: the one place it is written (the Makefile reads it). */
#ifndef HERD_VERSION_H
#define HERD_VERSION_H
#define HERD_VERSION "0.1.0"
#endif
