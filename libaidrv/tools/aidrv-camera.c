// SPDX-License-Identifier: MIT
/*
 * aidrv-camera: camera -> accelerator -> display, without a copy.
 *
 * Frames come from a V4L2 capture device (vivid) in memory it exports as
 * dma-bufs (VIDIOC_EXPBUF); each is imported into the accelerator, where
 * a network (an .aimodel whose input and output are frames, such as
 * demo/camera.aimodel) runs on it and writes its output into a buffer
 * that a KMS device (vkms) imported as a framebuffer.  The atomic commit
 * that shows that framebuffer carries the inference's out-fence as its
 * IN_FENCE_FD, so the display waits for the accelerator, and nothing
 * waits on the CPU: no pixel is read or written by this process, which
 * does not even map the frames.  vkms's writeback connector captures
 * every frame displayed; with --check, each is compared, byte for byte,
 * with what libaidrv's CPU reference computes from the same camera frame
 * (reading the frames for that is the check's doing, not the pipeline's).
 *
 * --copy runs the same frames the simple way, for comparison: the frame
 * is mapped and handed to aidrv_inference_run(), which copies it in,
 * runs it, waits and copies the output out, and the output is copied
 * into a dumb buffer that is displayed.  The copies are counted.
 *
 * Reported: frames per second, latency from the moment a frame reached
 * the program (VIDIOC_DQBUF) to the page flip that showed it (both
 * CLOCK_MONOTONIC), CPU copies of pixel data per frame, and the check's
 * verdict.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/videodev2.h>
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "aidrv.h"
#include "tool.h"

#define PROG		"aidrv-camera"
#define CAP_BUFS	4	/* V4L2 capture buffers */
#define OUT_BUFS	3	/* displayed: one shown, one queued, one being written */
#define WB_BUFS		2	/* writeback: one being written, one being checked */
#define JOB_TIMEOUT	(60 * AIDRV_NSEC_PER_SEC)
#define FRAME_WAIT_MS	20000

struct opts {
	const char *device, *video, *card, *model_path;
	unsigned int frames;
	bool copy, check, quiet;
};

/* The capture device and its buffers. */
struct camera {
	int fd;
	char path[64];
	uint32_t width, height, length;
	int dmabuf[CAP_BUFS];
	void *map[CAP_BUFS];		/* copy mode and --check only */
	struct aidrv_bo *bo[CAP_BUFS];	/* zero-copy: the frames, imported */
	unsigned int count;
};

/* The KMS device, its pipe and its property ids. */
struct display {
	int fd;
	char path[64];
	uint32_t crtc, plane, conn, wb_conn;
	uint32_t mode_blob;
	struct {
		uint32_t conn_crtc, crtc_mode, crtc_active, fb, crtc, sx, sy, sw, sh, cx, cy, cw,
			 ch, in_fence, wb_crtc, wb_fb, wb_fence;
	} prop;
	uint32_t fb[OUT_BUFS];
	uint32_t gem[OUT_BUFS];		/* vkms handles of the displayed buffers */
	void *dumb_map[OUT_BUFS];	/* copy mode: dumb buffers */
	uint64_t dumb_size;
	uint32_t wb_fb[WB_BUFS], wb_gem[WB_BUFS];
	void *wb_map[WB_BUFS];
	int wb_fence[WB_BUFS];
};

struct frame_stat {
	int64_t capture_ns, shown_ns;
};

struct result {
	unsigned int shown, checked, matched, stale;
	uint64_t copies, copy_bytes;
	struct frame_stat *stat;
	int64_t start_ns, end_ns;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [OPTIONS] MODEL\n"
		"\n"
		"Run MODEL (an .aimodel whose input and output are WxHx4 frames, e.g.\n"
		"demo/camera.aimodel) on every frame of a V4L2 camera and show its\n"
		"output on a KMS display, without a copy: camera buffers imported\n"
		"into the accelerator, its output imported by the display, the\n"
		"display waiting for the accelerator's fence.\n"
		"\n"
		TOOL_DEVICE_HELP
		"  -v, --video PATH       the capture node (default: the first vivid one)\n"
		"  -k, --card PATH        the KMS node (default: the vkms one)\n"
		"  -n, --frames N         frames to show (default 60)\n"
		"      --copy             the copying path instead: map the frame, copy it\n"
		"                         in and out (aidrv_inference_run()), copy the\n"
		"                         output into a dumb buffer\n"
		"  -C, --check            compare every displayed frame (vkms writeback)\n"
		"                         with the CPU reference of its camera frame\n"
		"  -q, --quiet            print only the result lines\n"
		"  -h, --help             this help\n"
		"\n"
		"Exit status: 0 on success; 1 if a displayed frame differs from the\n"
		"reference; 2 on bad usage; 3 if there is no aiaccel device; 4 on any\n"
		"other error (no camera or display, a job that failed).\n");
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do
		ret = ioctl(fd, req, arg);
	while (ret && errno == EINTR);
	return ret ? -errno : 0;
}

static int err(const char *what, int ret)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(ret < 0 ? -ret : ret));
	return TOOL_EXIT_ERROR;
}

/* The first capture node whose name is vivid's. */
static int find_vivid(char *path, size_t len)
{
	struct dirent **names;
	int n, i, found = -ENODEV;

	n = scandir("/sys/class/video4linux", &names, NULL, alphasort);
	if (n < 0)
		return -ENODEV;
	for (i = 0; i < n; i++) {
		char attr[512], name[64] = "";
		FILE *f;

		if (found == 0 || strncmp(names[i]->d_name, "video", 5))
			continue;
		snprintf(attr, sizeof(attr), "/sys/class/video4linux/%s/name", names[i]->d_name);
		f = fopen(attr, "r");
		if (f) {
			if (fgets(name, sizeof(name), f) && strstr(name, "-vid-cap") &&
			    !strncmp(name, "vivid-", 6) &&
			    snprintf(path, len, "/dev/%.32s", names[i]->d_name) < (int)len)
				found = 0;
			fclose(f);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return found;
}

static int camera_open(struct camera *cam, const struct opts *o, uint32_t w, uint32_t h)
{
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_requestbuffers req = {
		.count = CAP_BUFS,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
	};
	int input = 0, ret;
	unsigned int i;

	if (o->video)
		snprintf(cam->path, sizeof(cam->path), "%s", o->video);
	else if (find_vivid(cam->path, sizeof(cam->path))) {
		fprintf(stderr, PROG ": no vivid capture device (modprobe vivid)\n");
		return TOOL_EXIT_ERROR;
	}
	cam->fd = open(cam->path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (cam->fd < 0)
		return err(cam->path, -errno);
	xioctl(cam->fd, VIDIOC_S_INPUT, &input);
	fmt.fmt.pix.width = w;
	fmt.fmt.pix.height = h;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_XBGR32;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	ret = xioctl(cam->fd, VIDIOC_S_FMT, &fmt);
	if (ret)
		return err("VIDIOC_S_FMT", ret);
	if (fmt.fmt.pix.width != w || fmt.fmt.pix.height != h ||
	    fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_XBGR32 || fmt.fmt.pix.bytesperline != w * 4) {
		fprintf(stderr, PROG ": %s gives %ux%u, %u bytes per line; the model takes %ux%u XBGR32\n",
			cam->path, fmt.fmt.pix.width, fmt.fmt.pix.height, fmt.fmt.pix.bytesperline,
			w, h);
		return TOOL_EXIT_ERROR;
	}
	cam->width = w;
	cam->height = h;
	ret = xioctl(cam->fd, VIDIOC_REQBUFS, &req);
	if (ret)
		return err("VIDIOC_REQBUFS", ret);
	if (req.count < 3) {
		fprintf(stderr, PROG ": %s gave %u buffers\n", cam->path, req.count);
		return TOOL_EXIT_ERROR;
	}
	cam->count = req.count < CAP_BUFS ? req.count : CAP_BUFS;
	for (i = 0; i < cam->count; i++) {
		struct v4l2_exportbuffer exp = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.index = i,
			.flags = O_RDWR | O_CLOEXEC,
		};
		struct v4l2_buffer buf = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
			.index = i,
		};

		ret = xioctl(cam->fd, VIDIOC_QUERYBUF, &buf);
		if (!ret)
			ret = xioctl(cam->fd, VIDIOC_EXPBUF, &exp);
		if (ret)
			return err("VIDIOC_EXPBUF", ret);
		cam->dmabuf[i] = exp.fd;
		cam->length = buf.length;
		if (o->copy || o->check) {
			cam->map[i] = mmap(NULL, buf.length, PROT_READ, MAP_SHARED, cam->fd,
					   buf.m.offset);
			if (cam->map[i] == MAP_FAILED) {
				cam->map[i] = NULL;
				return err("mmap of a frame", -errno);
			}
		}
	}
	return 0;
}

static void camera_close(struct camera *cam)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	unsigned int i;

	if (cam->fd <= 0)
		return;
	xioctl(cam->fd, VIDIOC_STREAMOFF, &type);
	for (i = 0; i < cam->count; i++) {
		aidrv_bo_free(cam->bo[i]);
		if (cam->map[i])
			munmap(cam->map[i], cam->length);
		if (cam->dmabuf[i] > 0)
			close(cam->dmabuf[i]);
	}
	close(cam->fd);
}

static int qbuf(struct camera *cam, unsigned int index)
{
	struct v4l2_buffer buf = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = V4L2_MEMORY_MMAP,
		.index = index,
	};

	return xioctl(cam->fd, VIDIOC_QBUF, &buf);
}

/*
 * The newest frame the camera has: the ones captured before it while the
 * pipeline was busy are stale, and go back to the camera unused (counted
 * in *@stale), as a live view does.  The fd is non-blocking.
 */
static int dqbuf(struct camera *cam, unsigned int *index, int64_t *ts_ns, unsigned int *stale)
{
	struct pollfd pfd = { .fd = cam->fd, .events = POLLIN };
	bool have = false;
	int ret;

	ret = poll(&pfd, 1, FRAME_WAIT_MS);
	if (ret <= 0)
		return ret ? -errno : -ETIME;
	for (;;) {
		struct v4l2_buffer buf = {
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		ret = xioctl(cam->fd, VIDIOC_DQBUF, &buf);
		if (ret == -EAGAIN && have)
			return 0;
		if (ret)
			return ret;
		if (have) {
			ret = qbuf(cam, *index);
			if (ret)
				return ret;
			(*stale)++;
		}
		have = true;
		*index = buf.index;
		/*
		 * When the frame reached the program.  Not buf.timestamp:
		 * vivid stamps frames with the time its frame clock says
		 * they were due, which runs ahead of the real one when it
		 * cannot keep up (as in an emulated machine).
		 */
		*ts_ns = aidrv_now_ns();
	}
}

/* The KMS node of the driver called "vkms". */
static int find_vkms(char *path, size_t len)
{
	int i;

	for (i = 0; i < 16; i++) {
		drmVersionPtr v;
		int fd;

		snprintf(path, len, "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && v->name && !strcmp(v->name, "vkms")) {
			drmFreeVersion(v);
			return fd;
		}
		drmFreeVersion(v);
		close(fd);
	}
	return -ENODEV;
}

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t i, id = 0;

	for (i = 0; props && i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

static uint64_t prop_value(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint64_t val = 0;
	uint32_t i;

	for (i = 0; props && i < props->count_props; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			val = props->prop_values[i];
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return val;
}

/* A dumb buffer of the frame's size as a framebuffer, mapped. */
static int dumb_fb(struct display *d, uint32_t w, uint32_t h, uint32_t *gem, uint32_t *fb,
		   void **map)
{
	struct drm_mode_create_dumb create = { .width = w, .height = h, .bpp = 32 };
	struct drm_mode_map_dumb mreq = { 0 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };
	int ret;

	ret = drmIoctl(d->fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) ? -errno : 0;
	if (ret)
		return ret;
	*gem = create.handle;
	d->dumb_size = create.size;
	handles[0] = create.handle;
	pitches[0] = create.pitch;
	if (drmModeAddFB2(d->fd, w, h, DRM_FORMAT_XRGB8888, handles, pitches, offsets, fb, 0))
		return -errno;
	mreq.handle = create.handle;
	if (drmIoctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &mreq))
		return -errno;
	*map = mmap(NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, mreq.offset);
	if (*map == MAP_FAILED) {
		*map = NULL;
		return -errno;
	}
	return create.pitch == w * 4 ? 0 : -EINVAL;
}

static int display_open(struct display *d, const struct opts *o, uint32_t w, uint32_t h)
{
	drmModeResPtr res = NULL;
	drmModePlaneResPtr planes = NULL;
	drmModeModeInfo mode = { 0 };
	int i, ret;

	if (o->card) {
		snprintf(d->path, sizeof(d->path), "%s", o->card);
		d->fd = open(d->path, O_RDWR | O_CLOEXEC);
	} else {
		d->fd = find_vkms(d->path, sizeof(d->path));
	}
	if (d->fd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", o->card ? o->card : "no vkms device (modprobe vkms)",
			o->card ? strerror(errno) : "");
		return TOOL_EXIT_ERROR;
	}
	if (drmSetClientCap(d->fd, DRM_CLIENT_CAP_ATOMIC, 1) ||
	    drmSetClientCap(d->fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1))
		return err("atomic and writeback client caps", -errno);
	res = drmModeGetResources(d->fd);
	planes = drmModeGetPlaneResources(d->fd);
	if (!res || !planes || !res->count_crtcs) {
		ret = err("KMS resources", -ENODEV);
		goto out;
	}
	d->crtc = res->crtcs[0];
	for (i = 0; i < res->count_connectors; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(d->fd, res->connectors[i]);

		if (c && c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK && !d->wb_conn)
			d->wb_conn = c->connector_id;
		else if (c && c->connector_type != DRM_MODE_CONNECTOR_WRITEBACK && !d->conn)
			d->conn = c->connector_id;
		drmModeFreeConnector(c);
	}
	for (i = 0; i < (int)planes->count_planes; i++) {
		drmModePlanePtr p = drmModeGetPlane(d->fd, planes->planes[i]);

		if (p && (p->possible_crtcs & 1) && !d->plane &&
		    prop_value(d->fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "type") ==
		    DRM_PLANE_TYPE_PRIMARY)
			d->plane = p->plane_id;
		drmModeFreePlane(p);
	}
	if (!d->conn || !d->wb_conn || !d->plane) {
		fprintf(stderr, PROG ": %s: no connector, writeback connector or primary plane\n",
			d->path);
		ret = TOOL_EXIT_ERROR;
		goto out;
	}
#define PROP(field, obj, type, name) \
	d->prop.field = prop_id(d->fd, obj, type, name)
	PROP(conn_crtc, d->conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	PROP(crtc_mode, d->crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID");
	PROP(crtc_active, d->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE");
	PROP(fb, d->plane, DRM_MODE_OBJECT_PLANE, "FB_ID");
	PROP(crtc, d->plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID");
	PROP(sx, d->plane, DRM_MODE_OBJECT_PLANE, "SRC_X");
	PROP(sy, d->plane, DRM_MODE_OBJECT_PLANE, "SRC_Y");
	PROP(sw, d->plane, DRM_MODE_OBJECT_PLANE, "SRC_W");
	PROP(sh, d->plane, DRM_MODE_OBJECT_PLANE, "SRC_H");
	PROP(cx, d->plane, DRM_MODE_OBJECT_PLANE, "CRTC_X");
	PROP(cy, d->plane, DRM_MODE_OBJECT_PLANE, "CRTC_Y");
	PROP(cw, d->plane, DRM_MODE_OBJECT_PLANE, "CRTC_W");
	PROP(ch, d->plane, DRM_MODE_OBJECT_PLANE, "CRTC_H");
	PROP(in_fence, d->plane, DRM_MODE_OBJECT_PLANE, "IN_FENCE_FD");
	PROP(wb_crtc, d->wb_conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID");
	PROP(wb_fb, d->wb_conn, DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_FB_ID");
	PROP(wb_fence, d->wb_conn, DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_OUT_FENCE_PTR");
#undef PROP

	/* A 60 Hz mode of exactly the frame's size. */
	mode.hdisplay = w;
	mode.hsync_start = w + 16;
	mode.hsync_end = w + 32;
	mode.htotal = w + 48;
	mode.vdisplay = h;
	mode.vsync_start = h + 3;
	mode.vsync_end = h + 6;
	mode.vtotal = h + 10;
	mode.vrefresh = 60;
	mode.clock = (uint32_t)((uint64_t)mode.htotal * mode.vtotal * 60 / 1000);
	mode.type = DRM_MODE_TYPE_USERDEF;
	snprintf(mode.name, sizeof(mode.name), "%ux%u", w, h);
	if (drmModeCreatePropertyBlob(d->fd, &mode, sizeof(mode), &d->mode_blob)) {
		ret = err("mode blob", -errno);
		goto out;
	}
	for (i = 0; i < WB_BUFS; i++) {
		d->wb_fence[i] = -1;
		ret = dumb_fb(d, w, h, &d->wb_gem[i], &d->wb_fb[i], &d->wb_map[i]);
		if (ret) {
			ret = err("writeback buffers", ret);
			goto out;
		}
	}
	ret = 0;
out:
	drmModeFreePlaneResources(planes);
	drmModeFreeResources(res);
	return ret;
}

static void display_close(struct display *d)
{
	unsigned int i;

	if (d->fd <= 0)
		return;
	for (i = 0; i < OUT_BUFS; i++) {
		if (d->fb[i])
			drmModeRmFB(d->fd, d->fb[i]);
		if (d->dumb_map[i])
			munmap(d->dumb_map[i], d->dumb_size);
		if (d->gem[i])
			drmCloseBufferHandle(d->fd, d->gem[i]);
	}
	for (i = 0; i < WB_BUFS; i++) {
		if (d->wb_fb[i])
			drmModeRmFB(d->fd, d->wb_fb[i]);
		if (d->wb_map[i])
			munmap(d->wb_map[i], d->dumb_size);
		if (d->wb_gem[i])
			drmCloseBufferHandle(d->fd, d->wb_gem[i]);
		if (d->wb_fence[i] >= 0)
			close(d->wb_fence[i]);
	}
	if (d->mode_blob)
		drmModeDestroyPropertyBlob(d->fd, d->mode_blob);
	close(d->fd);
}

/* Show framebuffer @fb once @in_fence signals; capture it into wb @wb. */
static int commit(struct display *d, uint32_t w, uint32_t h, uint32_t fb, int in_fence,
		  unsigned int wb, bool modeset, uint64_t user_data)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	uint32_t flags;
	int ret = 0;

	if (!req)
		return -ENOMEM;
#define ADD(obj, name, val) \
	ret = ret ? ret : (drmModeAtomicAddProperty(req, obj, d->prop.name, val) < 0 ? -EINVAL : 0)
	if (modeset) {
		ADD(d->conn, conn_crtc, d->crtc);
		ADD(d->crtc, crtc_mode, d->mode_blob);
		ADD(d->crtc, crtc_active, 1);
		ADD(d->plane, crtc, d->crtc);
		ADD(d->plane, sx, 0);
		ADD(d->plane, sy, 0);
		ADD(d->plane, sw, (uint64_t)w << 16);
		ADD(d->plane, sh, (uint64_t)h << 16);
		ADD(d->plane, cx, 0);
		ADD(d->plane, cy, 0);
		ADD(d->plane, cw, w);
		ADD(d->plane, ch, h);
		ADD(d->wb_conn, wb_crtc, d->crtc);
	}
	ADD(d->plane, fb, fb);
	if (in_fence >= 0)
		ADD(d->plane, in_fence, (uint64_t)in_fence);
	if (!modeset) {
		if (d->wb_fence[wb] >= 0) {
			close(d->wb_fence[wb]);
			d->wb_fence[wb] = -1;
		}
		ADD(d->wb_conn, wb_fb, d->wb_fb[wb]);
		ADD(d->wb_conn, wb_fence, (uint64_t)(uintptr_t)&d->wb_fence[wb]);
	}
#undef ADD
	flags = modeset ? DRM_MODE_ATOMIC_ALLOW_MODESET :
			  DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT;
	if (!ret && drmModeAtomicCommit(d->fd, req, flags, (void *)(uintptr_t)user_data))
		ret = -errno;
	drmModeAtomicFree(req);
	return ret;
}

/* Wait for the page flip of a nonblocking commit: when it was shown. */
static int64_t flip_ns;

static void flip_handler(int fd, unsigned int seq, unsigned int sec, unsigned int usec,
			 unsigned int crtc, void *data)
{
	(void)fd, (void)seq, (void)crtc, (void)data;
	flip_ns = (int64_t)sec * AIDRV_NSEC_PER_SEC + (int64_t)usec * 1000;
}

static int wait_flip(struct display *d, int64_t *shown_ns)
{
	drmEventContext ev = { .version = 3, .page_flip_handler2 = flip_handler };
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	int ret;

	flip_ns = 0;
	while (!flip_ns) {
		ret = poll(&pfd, 1, FRAME_WAIT_MS);
		if (ret <= 0)
			return ret ? -errno : -ETIME;
		if (drmHandleEvent(d->fd, &ev))
			return -EIO;
	}
	*shown_ns = flip_ns;
	return 0;
}

static int wait_fence(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret = poll(&pfd, 1, FRAME_WAIT_MS);

	return ret == 1 ? 0 : ret ? -errno : -ETIME;
}

/*
 * --check: the frame displayed (captured by writeback @wb) against the CPU
 * reference of camera frame @cap: every B, G and R byte (the display
 * ignores X, and writeback fills it).
 */
static int check_frame(const struct aidrv_model *m, struct camera *cam, struct display *d,
		       unsigned int cap, unsigned int wb, uint8_t *ref, unsigned int frame,
		       bool *match)
{
	size_t px, npx = (size_t)cam->width * cam->height;
	const uint8_t *shown = d->wb_map[wb];
	int ret;

	ret = wait_fence(d->wb_fence[wb]);
	if (ret)
		return ret;
	ret = aidrv_model_run_cpu(m, cam->map[cap], 1, (int8_t *)ref);
	if (ret)
		return ret;
	*match = true;
	for (px = 0; px < npx; px++) {
		if (memcmp(shown + 4 * px, ref + 4 * px, 3)) {
			fprintf(stderr, PROG ": frame %u: pixel (%zu, %zu) shown %02x%02x%02x, reference %02x%02x%02x\n",
				frame, px % cam->width, px / cam->width, shown[4 * px + 2],
				shown[4 * px + 1], shown[4 * px], ref[4 * px + 2], ref[4 * px + 1],
				ref[4 * px]);
			*match = false;
			break;
		}
	}
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const struct opts *o, const struct result *r, const struct camera *cam,
		   const struct display *d, const char *accel)
{
	int64_t *lat = calloc(r->shown ? r->shown : 1, sizeof(*lat));
	double secs = (double)(r->end_ns - r->start_ns) / 1e9, sum = 0;
	unsigned int i;

	printf("pipeline: %s, %ux%u XBGR32: %s -> %s -> %s\n",
	       o->copy ? "copying" : "zero-copy", cam->width, cam->height, cam->path, accel,
	       d->path);
	printf("frames: %u shown in %.2f s: %.2f frames/s (%u older camera frames skipped)\n",
	       r->shown, secs, secs > 0 ? r->shown / secs : 0, r->stale);
	for (i = 0; lat && i < r->shown; i++) {
		lat[i] = r->stat[i].shown_ns - r->stat[i].capture_ns;
		sum += lat[i];
	}
	if (lat && r->shown) {
		qsort(lat, r->shown, sizeof(*lat), cmp_i64);
		printf("latency dequeue->display: mean %.1f ms, p50 %.1f ms, p90 %.1f ms, max %.1f ms\n",
		       sum / r->shown / 1e6, lat[r->shown / 2] / 1e6,
		       lat[(r->shown * 9) / 10 < r->shown ? (r->shown * 9) / 10 : r->shown - 1] / 1e6,
		       lat[r->shown - 1] / 1e6);
	}
	printf("cpu copies of pixel data: %.2f per frame (%" PRIu64 " bytes per frame)%s\n",
	       r->shown ? (double)r->copies / r->shown : 0.0,
	       r->shown ? r->copy_bytes / r->shown : 0,
	       o->copy ? "" : o->check ? "; frames mapped by the check only" :
	       "; no frame mapped by this process");
	if (o->check)
		printf("check: %u/%u displayed frames equal the CPU reference of their camera frame%s\n",
		       r->matched, r->checked, r->matched == r->checked ? "" : " (MISMATCH)");
	free(lat);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "video", required_argument, NULL, 'v' },
		{ "card", required_argument, NULL, 'k' },
		{ "frames", required_argument, NULL, 'n' },
		{ "copy", no_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;

	memset(o, 0, sizeof(*o));
	o->frames = 60;
	while ((opt = getopt_long(argc, argv, "d:v:k:n:Cqh", lopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o->device = optarg;
			break;
		case 'v':
			o->video = optarg;
			break;
		case 'k':
			o->card = optarg;
			break;
		case 'n':
			o->frames = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || !o->frames || o->frames > 100000) {
				fprintf(stderr, PROG ": bad frame count '%s'\n", optarg);
				return TOOL_EXIT_USAGE;
			}
			break;
		case 'c':
			o->copy = true;
			break;
		case 'C':
			o->check = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return TOOL_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return TOOL_EXIT_USAGE;
	}
	o->model_path = argv[optind];
	return -1;
}

int main(int argc, char **argv)
{
	struct aidrv_binding *bind[CAP_BUFS][OUT_BUFS] = { { NULL } };
	struct aidrv_model_tensor tin, tout;
	struct aidrv_bo *out_bo[OUT_BUFS] = { NULL };
	struct aidrv_inference *inf = NULL;
	struct camera cam = { .fd = -1 };
	struct display disp = { .fd = -1 };
	struct aidrv_device *dev = NULL;
	struct aidrv_model *m = NULL;
	struct result r = { 0 };
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	uint8_t *ref = NULL, *host_out = NULL;
	unsigned int i, j, k, prev_cap = 0;
	bool pending = false;
	size_t frame_bytes;
	uint32_t w, h;
	struct opts o;
	char msg[512];
	int ret, rc;

	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	rc = TOOL_EXIT_ERROR;

	ret = aidrv_model_load_file(o.model_path, &m, msg, sizeof(msg));
	if (ret) {
		fprintf(stderr, PROG ": %s\n", msg);
		return TOOL_EXIT_ERROR;
	}
	aidrv_model_input(m, &tin, sizeof(tin));
	aidrv_model_output(m, &tout, sizeof(tout));
	if (tin.rank != 3 || tin.dims[2] != 4 || tout.rank != 3 ||
	    memcmp(tin.dims, tout.dims, sizeof(tin.dims))) {
		fprintf(stderr, PROG ": %s: input and output must be the same HxWx4 frames\n",
			o.model_path);
		goto out;
	}
	h = tin.dims[0];
	w = tin.dims[1];
	frame_bytes = (size_t)w * h * 4;
	r.stat = calloc(o.frames, sizeof(*r.stat));
	ref = malloc(frame_bytes);
	host_out = malloc(frame_bytes);
	if (!r.stat || !ref || !host_out)
		goto out;

	rc = tool_open_device(PROG, o.device, &dev);
	if (rc)
		goto out;
	rc = camera_open(&cam, &o, w, h);
	if (!rc)
		rc = display_open(&disp, &o, w, h);
	if (rc)
		goto out;
	rc = TOOL_EXIT_ERROR;
	ret = aidrv_inference_create(dev, m, 1, AIDRV_INFERENCE_SINGLE_BUFFER, &inf);
	if (ret) {
		err("binding the model", ret);
		goto out;
	}

	/* The displayed buffers: the accelerator's, or dumb ones to copy into. */
	for (j = 0; j < OUT_BUFS; j++) {
		uint32_t handles[4] = { 0 }, pitches[4] = { w * 4 }, offsets[4] = { 0 };
		int fd;

		if (o.copy) {
			ret = dumb_fb(&disp, w, h, &disp.gem[j], &disp.fb[j], &disp.dumb_map[j]);
			if (ret) {
				err("display buffers", ret);
				goto out;
			}
			continue;
		}
		ret = aidrv_bo_create(dev, frame_bytes, 0, &out_bo[j]);
		if (!ret)
			ret = aidrv_bo_export(out_bo[j], &fd);
		if (ret) {
			err("output buffers", ret);
			goto out;
		}
		ret = drmPrimeFDToHandle(disp.fd, fd, &disp.gem[j]) ? -errno : 0;
		close(fd);
		handles[0] = disp.gem[j];
		if (!ret && drmModeAddFB2(disp.fd, w, h, DRM_FORMAT_XRGB8888, handles, pitches,
					  offsets, &disp.fb[j], 0))
			ret = -errno;
		if (ret) {
			err("importing the output buffers into the display", ret);
			goto out;
		}
	}
	/* Zero-copy: the frames into the accelerator, a binding per pair. */
	for (i = 0; !o.copy && i < cam.count; i++) {
		ret = aidrv_bo_import(dev, cam.dmabuf[i], &cam.bo[i]);
		if (ret) {
			err("importing the camera's buffers", ret);
			goto out;
		}
		for (j = 0; j < OUT_BUFS; j++) {
			struct aidrv_bind b = {
				.size = sizeof(b),
				.batch = 1,
				.input = cam.bo[i],
				.output = out_bo[j],
			};

			ret = aidrv_binding_create(inf, &b, &bind[i][j]);
			if (ret) {
				err("binding the buffers", ret);
				goto out;
			}
		}
	}

	/* Mode set, showing an empty buffer; then stream. */
	ret = commit(&disp, w, h, disp.fb[OUT_BUFS - 1], -1, 0, true, 0);
	if (ret) {
		err("mode set", ret);
		goto out;
	}
	for (i = 0; i < cam.count; i++) {
		ret = qbuf(&cam, i);
		if (ret) {
			err("VIDIOC_QBUF", ret);
			goto out;
		}
	}
	ret = xioctl(cam.fd, VIDIOC_STREAMON, &type);
	if (ret) {
		err("VIDIOC_STREAMON", ret);
		goto out;
	}
	if (!o.quiet)
		printf("%s: %ux%u frames from %s through %s to %s\n",
		       o.copy ? "copying" : "zero-copy", w, h, cam.path,
		       aidrv_device_path(dev), disp.path);

	for (k = 0; k <= o.frames; k++) {
		unsigned int cap = 0, out = k % OUT_BUFS;
		int fence = -1;
		int64_t ts = 0;

		if (k < o.frames) {
			ret = dqbuf(&cam, &cap, &ts, &r.stale);
			if (ret) {
				err("capturing a frame", ret);
				goto out;
			}
			if (!k)
				r.start_ns = aidrv_now_ns();
			r.stat[k].capture_ns = ts;
			if (o.copy) {
				/* In and out of the executor's buffers, then to the display. */
				ret = aidrv_inference_run(inf, cam.map[cap], 1, (int8_t *)host_out,
							  JOB_TIMEOUT);
				r.copies += 2;
				r.copy_bytes += 2 * frame_bytes;
				if (!ret) {
					memcpy(disp.dumb_map[out], host_out, frame_bytes);
					r.copies++;
					r.copy_bytes += frame_bytes;
				}
			} else {
				struct aidrv_job *job;

				ret = aidrv_binding_submit(bind[cap][out], NULL, &job);
				if (!ret) {
					ret = aidrv_job_sync_file(job, &fence);
					aidrv_job_free(job);
				}
			}
			if (ret) {
				err("running the network", ret);
				goto out;
			}
		}
		/* The previous frame: shown, checked, its camera buffer returned. */
		if (pending) {
			bool match;

			ret = wait_flip(&disp, &r.stat[k - 1].shown_ns);
			if (ret) {
				err("waiting for the page flip", ret);
				goto out;
			}
			pending = false;
			r.shown++;
			if (o.check) {
				ret = check_frame(m, &cam, &disp, prev_cap, (k - 1) % WB_BUFS, ref,
						  k - 1, &match);
				if (ret) {
					err("checking a frame", ret);
					goto out;
				}
				r.checked++;
				r.matched += match;
			}
			ret = qbuf(&cam, prev_cap);
			if (ret) {
				err("VIDIOC_QBUF", ret);
				goto out;
			}
		}
		if (k == o.frames)
			break;
		ret = commit(&disp, w, h, disp.fb[out], fence, k % WB_BUFS, false, k);
		if (fence >= 0)
			close(fence);
		if (ret) {
			err("atomic commit", ret);
			goto out;
		}
		pending = true;
		prev_cap = cap;
	}
	r.end_ns = aidrv_now_ns();
	report(&o, &r, &cam, &disp, aidrv_device_path(dev));
	rc = o.check && r.matched != r.checked ? TOOL_EXIT_WRONG : TOOL_EXIT_OK;

out:
	for (i = 0; i < CAP_BUFS; i++)
		for (j = 0; j < OUT_BUFS; j++)
			aidrv_binding_free(bind[i][j]);
	camera_close(&cam);
	display_close(&disp);
	for (j = 0; j < OUT_BUFS; j++)
		aidrv_bo_free(out_bo[j]);
	aidrv_inference_free(inf);
	aidrv_device_close(dev);
	aidrv_model_free(m);
	free(r.stat);
	free(ref);
	free(host_out);
	return rc;
}
