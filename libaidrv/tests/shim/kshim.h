/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The few kernel definitions that aiaccel_sim_ops.c and
 * kunit/aiaccel_ops_test.c use, for building them in userspace.  Each
 * header in this directory only includes this one.
 */
#ifndef __AIACCEL_KSHIM_H__
#define __AIACCEL_KSHIM_H__

#include <linux/types.h>	/* the real one, for __u32 and friends */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef __u8 u8;
typedef __s8 s8;
typedef __u16 u16;
typedef __s16 s16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;

#define CONFIG_KUNIT		1
#define IS_ENABLED(option)	(option)

#define S8_MIN		(-128)
#define S8_MAX		127
#define S32_MIN		(-S32_MAX - 1)
#define S32_MAX		0x7fffffff
#define U32_MAX		0xffffffffU
#define U64_MAX		0xffffffffffffffffULL

#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define __maybe_unused		__attribute__((__unused__))
#define noinline_for_stack	__attribute__((__noinline__))

#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min_t(t, a, b)		min((t)(a), (t)(b))
#define max_t(t, a, b)		max((t)(a), (t)(b))
#define clamp_t(t, v, lo, hi)	min_t(t, max_t(t, v, lo), hi)
#define swap(a, b) \
	do { __typeof__(a) _t = (a); (a) = (b); (b) = _t; } while (0)

#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

static inline s64 div_s64(s64 dividend, s32 divisor)
{
	return dividend / divisor;
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define EXPORT_SYMBOL_IF_KUNIT(sym)

#define GFP_KERNEL		0
#define kvmalloc(size, gfp)	malloc((size) ? (size) : 1)
#define kvfree(p)		free(p)

#endif
