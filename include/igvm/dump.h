/* SPDX-License-Identifier: MIT */
/* Human-readable listing of every header of an IGVM file. */
#ifndef IGVM_DUMP_H
#define IGVM_DUMP_H

#include <stdio.h>

#include "igvm/image.h"

void igvm_image_dump(const struct igvm_image *img, FILE *out);

#endif
