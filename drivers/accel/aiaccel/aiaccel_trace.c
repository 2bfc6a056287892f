// SPDX-License-Identifier: GPL-2.0-only
/* aiaccel: instantiate the tracepoints of aiaccel_trace.h. */

#define CREATE_TRACE_POINTS
#include "aiaccel_trace.h"
