/*
 * kernel/version.h - Keel's version, printed at boot.
 */
#pragma once

#define KEEL_VERSION "0.1.0"
