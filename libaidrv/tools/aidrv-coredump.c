// SPDX-License-Identifier: MIT
/*
 * aidrv-coredump: decode an aiaccel devcoredump.
 *
 * The driver writes one when an engine hangs (Documentation/accel/aiaccel/
 * coredump.rst): a versioned text with the registers, the engine's ring
 * and the guilty job's command stream in hex.  This tool reads it from a
 * file, or finds the unread dump of an aiaccel device under
 * /sys/class/devcoredump, and prints it with register names and the
 * command stream decoded op by op.
 *
 *	aidrv-coredump [FILE]
 *	aidrv-coredump --dismiss      discard the unread dump
 *
 * Exit status, as the other tools': 0 decoded (or dismissed), 2 usage, 3 no
 * dump of an aiaccel device, 4 a malformed dump or another error.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm/aiaccel_isa.h>

#include "aidrv.h"

#define DEVCD_DIR "/sys/class/devcoredump"
#define DUMP_VERSION 1
#define CS_MAX (64 * 1024)

/* Register names, from drivers/accel/aiaccel/aiaccel_regs.h. */
static const struct {
	unsigned int off;
	const char *name;
} global_regs[] = {
	{ 0x000, "ID" }, { 0x004, "VERSION" }, { 0x008, "CAPS" }, { 0x00c, "CONFIG" },
	{ 0x010, "MEM_SIZE_LO" }, { 0x014, "MEM_SIZE_HI" }, { 0x018, "MAX_CLOCK_MHZ" },
	{ 0x01c, "INSTANCE" }, { 0x020, "ISA_VERSION" }, { 0x024, "SCRATCH" },
	{ 0x030, "RESET" }, { 0x040, "IRQ_STATUS" }, { 0x044, "IRQ_MASK" },
	{ 0x050, "POWER_CTRL" }, { 0x054, "POWER_STATUS" }, { 0x058, "CLOCK_LEVEL" },
	{ 0x05c, "CLOCK_MHZ" }, { 0x060, "GLOBAL_ERROR" }, { 0x084, "MMU_TLB_INVALIDATE" },
	{ 0x088, "MMU_FAULT_STATUS" }, { 0x090, "MMU_FAULT_ADDR_LO" },
	{ 0x094, "MMU_FAULT_ADDR_HI" }, { 0x0c0, "PERF_CYCLES_LO" }, { 0x0c4, "PERF_CYCLES_HI" },
	{ 0x0c8, "PERF_MACS_LO" }, { 0x0cc, "PERF_MACS_HI" }, { 0x0d0, "PERF_BYTES_LO" },
	{ 0x0d4, "PERF_BYTES_HI" }, { 0x0d8, "PERF_JOBS_LO" }, { 0x0dc, "PERF_JOBS_HI" },
	{ 0x0e0, "PERF_CLEAR" },
};

static const char *const queue_regs[] = {
	"CTRL", "STATUS", "RING_BASE_LO", "RING_BASE_HI", "RING_SIZE", "RING_HEAD",
	"RING_TAIL", "DOORBELL", "DONE_SEQNO", "ERR_STATUS", "ERR_SEQNO", "PROGRESS",
	"BUSY_CYCLES_LO", "BUSY_CYCLES_HI", "JOBS_DONE", "WATCHDOG_MS",
};

static const char *reg_name(unsigned int off, char *buf, size_t len)
{
	size_t i;

	if (off >= 0x100) {
		unsigned int q = (off - 0x100) / 0x80, r = (off - 0x100) % 0x80;

		if (r / 4 < sizeof(queue_regs) / sizeof(queue_regs[0]) && q < 4) {
			snprintf(buf, len, "Q%u_%s", q, queue_regs[r / 4]);
			return buf;
		}
		return "";
	}
	for (i = 0; i < sizeof(global_regs) / sizeof(global_regs[0]); i++)
		if (global_regs[i].off == off)
			return global_regs[i].name;
	return "";
}

/* Print the fields of one op; the header has been checked to fit. */
static void print_op(const uint8_t *p, size_t off)
{
	struct aiaccel_op_header h;

	memcpy(&h, p, sizeof(h));
	printf("  +0x%04zx %-10s size %u flags 0x%x", off, aidrv_model_op_name(h.opcode),
	       h.size, h.flags);
	switch (h.opcode) {
	case AIACCEL_OP_DMA_COPY:
		if (h.size >= sizeof(struct aiaccel_op_dma_copy)) {
			struct aiaccel_op_dma_copy op;

			memcpy(&op, p, sizeof(op));
			printf(": 0x%" PRIx64 " -> 0x%" PRIx64 ", %" PRIu64 " bytes",
			       (uint64_t)op.src, (uint64_t)op.dst, (uint64_t)op.size);
		}
		break;
	case AIACCEL_OP_GEMM:
		if (h.size >= sizeof(struct aiaccel_op_gemm)) {
			struct aiaccel_op_gemm op;

			memcpy(&op, p, sizeof(op));
			printf(": %ux%ux%u in 0x%" PRIx64 " w 0x%" PRIx64 " out 0x%" PRIx64,
			       op.m, op.n, op.k, (uint64_t)op.input, (uint64_t)op.weights,
			       (uint64_t)op.output);
		}
		break;
	case AIACCEL_OP_CONV2D:
	case AIACCEL_OP_DWCONV2D:
		if (h.size >= sizeof(struct aiaccel_op_conv2d)) {
			struct aiaccel_op_conv2d op;

			memcpy(&op, p, sizeof(op));
			printf(": %ux%ux%ux%u -> %ux%ux%u, kernel %ux%u, in 0x%" PRIx64
			       " out 0x%" PRIx64, op.batch, op.in_h, op.in_w, op.in_c, op.out_h,
			       op.out_w, op.out_c, op.k_h, op.k_w, (uint64_t)op.input,
			       (uint64_t)op.output);
		}
		break;
	case AIACCEL_OP_MAXPOOL:
	case AIACCEL_OP_AVGPOOL:
		if (h.size >= sizeof(struct aiaccel_op_pool)) {
			struct aiaccel_op_pool op;

			memcpy(&op, p, sizeof(op));
			printf(": %ux%ux%ux%u -> %ux%u, window %ux%u, in 0x%" PRIx64
			       " out 0x%" PRIx64, op.batch, op.in_h, op.in_w, op.channels,
			       op.out_h, op.out_w, op.k_h, op.k_w, (uint64_t)op.input,
			       (uint64_t)op.output);
		}
		break;
	case AIACCEL_OP_ADD:
		if (h.size >= sizeof(struct aiaccel_op_add)) {
			struct aiaccel_op_add op;

			memcpy(&op, p, sizeof(op));
			printf(": %u elements, 0x%" PRIx64 " + 0x%" PRIx64 " -> 0x%" PRIx64,
			       op.count, (uint64_t)op.input1, (uint64_t)op.input2,
			       (uint64_t)op.output);
		}
		break;
	case AIACCEL_OP_ACTIVATION:
		if (h.size >= sizeof(struct aiaccel_op_activation)) {
			struct aiaccel_op_activation op;

			memcpy(&op, p, sizeof(op));
			printf(": mode %u, %u elements, 0x%" PRIx64 " -> 0x%" PRIx64, op.mode,
			       op.count, (uint64_t)op.input, (uint64_t)op.output);
		}
		break;
	default:
		break;
	}
	printf("\n");
}

static void decode_cs(const uint8_t *cs, size_t len)
{
	size_t off = 0;

	while (off + sizeof(struct aiaccel_op_header) <= len) {
		struct aiaccel_op_header h;

		memcpy(&h, cs + off, sizeof(h));
		if (h.size < sizeof(h) || h.size % 8 || off + h.size > len) {
			printf("  +0x%04zx op 0x%x with size %u: the stream cannot be followed further\n",
			       off, h.opcode, h.size);
			return;
		}
		print_op(cs + off, off);
		off += h.size;
	}
	if (off < len)
		printf("  +0x%04zx %zu trailing bytes\n", off, len - off);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* One "OFFSET HEX" line of the [cs] section into @cs; false if malformed. */
static bool parse_cs_line(const char *line, uint8_t *cs, size_t *len)
{
	unsigned long off;
	char *end;

	off = strtoul(line, &end, 16);
	if (end == line || *end != ' ' || off != *len)
		return false;
	for (end++; hexval(end[0]) >= 0 && hexval(end[1]) >= 0; end += 2) {
		if (*len >= CS_MAX)
			return false;
		cs[(*len)++] = hexval(end[0]) << 4 | hexval(end[1]);
	}
	return *end == '\n' || *end == '\0';
}

static int decode(FILE *f, const char *name)
{
	enum { HEADER, REGISTERS, RING, CS, OTHER, END } section = HEADER;
	static uint8_t cs[CS_MAX];
	char line[1024], rname[32];
	size_t cs_len = 0, cs_captured = 0;
	unsigned int version = 0;
	bool seen_cs = false;

	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, "AIACCEL DEVCOREDUMP %u", &version) != 1) {
		fprintf(stderr, "aidrv-coredump: %s: not an aiaccel devcoredump\n", name);
		return 4;
	}
	if (version != DUMP_VERSION) {
		fprintf(stderr, "aidrv-coredump: %s: format version %u, this tool reads %u\n",
			name, version, DUMP_VERSION);
		return 4;
	}
	printf("aiaccel devcoredump, format %u (%s)\n", version, name);
	while (fgets(line, sizeof(line), f)) {
		unsigned int off, val;

		if (!strcmp(line, "[registers]\n")) {
			section = REGISTERS;
			printf("registers:\n");
		} else if (!strcmp(line, "[ring]\n")) {
			section = RING;
			printf("ring:\n");
		} else if (!strcmp(line, "[cs]\n")) {
			section = CS;
			seen_cs = true;
		} else if (!strcmp(line, "[end]\n")) {
			section = END;
		} else if (line[0] == '[') {
			/* A section of a later revision of this version: skipped. */
			section = OTHER;
		} else if (section == HEADER) {
			printf("  %s", line);
		} else if (section == REGISTERS) {
			if (sscanf(line, "0x%x 0x%x", &off, &val) != 2)
				goto bad;
			printf("  0x%03x %-20s 0x%08x\n", off, reg_name(off, rname, sizeof(rname)),
			       val);
		} else if (section == RING) {
			printf("  %s", line);
		} else if (section == CS) {
			if (!strncmp(line, "va ", 3)) {
				printf("command stream: %s", line);
				if (sscanf(line, "va %*s size %*u captured %zu", &cs_captured) != 1)
					goto bad;
			} else if (!parse_cs_line(line, cs, &cs_len)) {
				goto bad;
			}
		}
	}
	if (section != END || !seen_cs || cs_len != cs_captured) {
		fprintf(stderr, "aidrv-coredump: %s: truncated dump\n", name);
		return 4;
	}
	decode_cs(cs, cs_len);
	return 0;
bad:
	fprintf(stderr, "aidrv-coredump: %s: malformed line: %s", name, line);
	return 4;
}

/* The data file of an unread dump whose failing device is an aiaccel one. */
static bool find_dump(char *path, size_t len)
{
	struct dirent *d;
	bool found = false;
	DIR *dir;

	dir = opendir(DEVCD_DIR);
	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		char link[PATH_MAX], target[PATH_MAX];
		ssize_t n;

		if (strncmp(d->d_name, "devcd", 5))
			continue;
		snprintf(link, sizeof(link), DEVCD_DIR "/%s/failing_device/driver", d->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		if (strcmp(strrchr(target, '/') ? strrchr(target, '/') + 1 : target, "aiaccel"))
			continue;
		snprintf(path, len, DEVCD_DIR "/%s/data", d->d_name);
		found = true;
	}
	closedir(dir);
	return found;
}

int main(int argc, char **argv)
{
	char path[PATH_MAX];
	bool dismiss = false;
	FILE *f;
	int ret;

	if (argc > 1 && !strcmp(argv[1], "--dismiss")) {
		dismiss = true;
		argc--;
		argv++;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: aidrv-coredump [--dismiss] [FILE]\n");
		return 2;
	}
	if (argc == 2) {
		snprintf(path, sizeof(path), "%s", argv[1]);
	} else if (!find_dump(path, sizeof(path))) {
		fprintf(stderr, "aidrv-coredump: no aiaccel devcoredump in " DEVCD_DIR "\n");
		return 3;
	}
	if (dismiss) {
		/* Writing anything to the data file discards the dump. */
		int fd = open(path, O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, "1", 1) != 1) {
			fprintf(stderr, "aidrv-coredump: %s: %s\n", path, strerror(errno));
			return 4;
		}
		close(fd);
		return 0;
	}
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "aidrv-coredump: %s: %s\n", path, strerror(errno));
		return 4;
	}
	ret = decode(f, path);
	fclose(f);
	return ret;
}
