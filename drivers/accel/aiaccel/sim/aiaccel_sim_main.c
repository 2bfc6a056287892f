// SPDX-License-Identifier: GPL-2.0-only
/*
 * aiaccel_sim: an in-kernel model of the aiaccel inference accelerator.
 *
 * Like netdevsim or mac80211_hwsim, the module creates devices that a real
 * driver binds to.  Each model instance is an "aiaccel-sim" platform device
 * that owns the chip: its registers are a regmap with custom accessors, its
 * interrupt line comes from an irq_sim domain.  The instance then creates an
 * "aiaccel" child platform device carrying the interrupt resource; the
 * aiaccel driver binds to it and finds the registers with
 * dev_get_regmap(parent).  Nothing else connects the two modules.
 */

#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irq_sim.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/regmap.h>
#include <linux/sizes.h>
#include <linux/smp.h>

#include <kunit/visibility.h>

#include "aiaccel_sim.h"
#include "aiaccel_sim_debugfs.h"

/* Devices made at load time, and instance numbers new_device accepts. */
#define AIACCEL_SIM_MAX_DEVICES	4
#define AIACCEL_SIM_MAX_ID	63

static unsigned int num_devices = 1;
module_param(num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices, "Number of accelerators to create (1-4, default 1)");

static unsigned int num_engines = 2;
module_param(num_engines, uint, 0444);
MODULE_PARM_DESC(num_engines, "Compute engines per accelerator (1-4, default 2)");

static unsigned int num_dma_channels = 2;
module_param(num_dma_channels, uint, 0444);
MODULE_PARM_DESC(num_dma_channels, "DMA channels per accelerator (1-8, default 2)");

static unsigned int mem_size_mb = 256;
module_param(mem_size_mb, uint, 0444);
MODULE_PARM_DESC(mem_size_mb, "Device memory budget in MiB (default 256)");

static unsigned int max_clock_mhz = 1000;
module_param(max_clock_mhz, uint, 0444);
MODULE_PARM_DESC(max_clock_mhz, "Engine clock at the top level in MHz (default 1000)");

/**
 * struct aiaccel_sim_device - Platform glue of one model instance.
 * @sim: The chip.
 * @pdev: The "aiaccel-sim" platform device.
 * @irq: Linux interrupt number of the chip's interrupt line.
 * @irq_cpu: The CPU the interrupt line is routed to.
 * @irq_csd: Raises @irq on @irq_cpu.
 * @child: The "aiaccel" device the driver binds to.
 * @debugfs: The instance's test hooks.
 */
struct aiaccel_sim_device {
	struct aiaccel_sim sim;
	struct platform_device *pdev;
	unsigned int irq;
	int irq_cpu;
	call_single_data_t irq_csd;
	struct platform_device *child;
	struct dentry *debugfs;
};

/* The instances, by id; new_device, del_device and module exit under the lock. */
static DEFINE_MUTEX(sim_pdevs_lock);
static struct platform_device *sim_pdevs[AIACCEL_SIM_MAX_ID + 1];
static struct dentry *sim_debugfs_root;

static const struct regmap_config aiaccel_sim_regmap_config = {
	.name = "aiaccel",
	.reg_bits = 32,
	.reg_stride = 4,
	.val_bits = 32,
	.max_register = AIACCEL_REG_MAX,
	.reg_read = aiaccel_sim_reg_read,
	.reg_write = aiaccel_sim_reg_write,
	/* The register file is a spinlock-protected model: never sleeps. */
	.fast_io = true,
	.cache_type = REGCACHE_NONE,
};

static void aiaccel_sim_deliver_irq(void *info)
{
	struct aiaccel_sim_device *sdev = info;

	irq_set_irqchip_state(sdev->irq, IRQCHIP_STATE_PENDING, true);
}

static void aiaccel_sim_nop(void *info)
{
}

/*
 * The chip raises its line (an edge) when a cause becomes pending and
 * unmasked.  irq_sim runs the handler from an irq_work on the CPU that
 * raised the line, through handle_simple_irq(), which drops an interrupt
 * that comes while the handler still runs on another CPU.  The engines
 * raise it from their own CPUs: one finishing a job just as the driver's
 * handler unmasks on its way out would lose its interrupt, and the jobs
 * behind it would wait for the scheduler's timeout.  As an interrupt
 * controller routes a line to one CPU, which takes an edge that comes
 * during the handler once the handler is done, raise it on one CPU.  A
 * raise while one is on its way there is the same edge (-EBUSY).
 */
static void aiaccel_sim_raise_irq(void *ctx)
{
	struct aiaccel_sim_device *sdev = ctx;

	/* That CPU went offline: not modelled, the line goes where it is raised. */
	if (smp_call_function_single_async(sdev->irq_cpu, &sdev->irq_csd) == -ENXIO)
		aiaccel_sim_deliver_irq(sdev);
}

/* After raise_irq is cleared: wait for an interrupt on its way. */
static void aiaccel_sim_irq_sync(struct aiaccel_sim_device *sdev)
{
	/* Calls run in order: this one returns once the one queued before has run. */
	smp_call_function_single(sdev->irq_cpu, aiaccel_sim_nop, NULL, true);
}

static void aiaccel_sim_dispose_irq(void *data)
{
	irq_dispose_mapping((unsigned long)data);
}

static void aiaccel_sim_teardown(struct aiaccel_sim_device *sdev)
{
	aiaccel_sim_stop(&sdev->sim);
	debugfs_remove_recursive(sdev->debugfs);
}

/*
 * The device the driver binds to.  Built by hand rather than with
 * platform_device_register_full() because the engines must know its DMA
 * addressing, and run, before a driver can bind and ring a doorbell.
 */
static struct platform_device *aiaccel_sim_child(struct aiaccel_sim_device *sdev)
{
	struct platform_device *child;
	struct resource irq_res = DEFINE_RES_IRQ_NAMED(sdev->irq, "aiaccel");
	int ret;

	child = platform_device_alloc("aiaccel", sdev->pdev->id);
	if (!child)
		return ERR_PTR(-ENOMEM);
	child->dev.parent = &sdev->pdev->dev;
	child->platform_dma_mask = DMA_BIT_MASK(64);
	child->dev.dma_mask = &child->platform_dma_mask;
	child->dev.coherent_dma_mask = DMA_BIT_MASK(64);
	ret = platform_device_add_resources(child, &irq_res, 1);
	if (ret)
		goto err_put;

	sdev->sim.dma_dev = &child->dev;
	ret = aiaccel_sim_start(&sdev->sim);
	if (ret)
		goto err_put;
	ret = platform_device_add(child);
	if (ret)
		goto err_stop;
	return child;

err_stop:
	aiaccel_sim_stop(&sdev->sim);
err_put:
	platform_device_put(child);
	return ERR_PTR(ret);
}

static int aiaccel_sim_probe(struct platform_device *pdev)
{
	struct aiaccel_sim_config cfg = {
		.instance = pdev->id,
		.num_engines = num_engines,
		.num_dma_channels = num_dma_channels,
		.mem_size = (u64)mem_size_mb * SZ_1M,
		.max_clock_mhz = max_clock_mhz,
	};
	struct device *dev = &pdev->dev;
	struct aiaccel_sim_device *sdev;
	struct irq_domain *domain;
	struct regmap *regmap;
	int ret;

	sdev = devm_kzalloc(dev, sizeof(*sdev), GFP_KERNEL);
	if (!sdev)
		return -ENOMEM;
	sdev->pdev = pdev;

	ret = aiaccel_sim_init(&sdev->sim, &cfg);
	if (ret)
		return dev_err_probe(dev, ret, "invalid model configuration\n");

	regmap = devm_regmap_init(dev, NULL, &sdev->sim, &aiaccel_sim_regmap_config);
	if (IS_ERR(regmap))
		return dev_err_probe(dev, PTR_ERR(regmap), "cannot create regmap\n");

	domain = devm_irq_domain_create_sim(dev, NULL, 1);
	if (IS_ERR(domain))
		return dev_err_probe(dev, PTR_ERR(domain), "cannot create irq domain\n");

	sdev->irq = irq_create_mapping(domain, 0);
	if (!sdev->irq)
		return dev_err_probe(dev, -ENXIO, "cannot map interrupt\n");
	ret = devm_add_action_or_reset(dev, aiaccel_sim_dispose_irq,
				       (void *)(unsigned long)sdev->irq);
	if (ret)
		return ret;

	sdev->irq_cpu = cpumask_first(cpu_online_mask);
	INIT_CSD(&sdev->irq_csd, aiaccel_sim_deliver_irq, sdev);
	scoped_guard(spinlock_irqsave, &sdev->sim.lock) {
		sdev->sim.raise_irq = aiaccel_sim_raise_irq;
		sdev->sim.irq_ctx = sdev;
	}

	sdev->debugfs = aiaccel_sim_debugfs_init(&sdev->sim, sim_debugfs_root);
	sdev->child = aiaccel_sim_child(sdev);
	if (IS_ERR(sdev->child)) {
		debugfs_remove_recursive(sdev->debugfs);
		scoped_guard(spinlock_irqsave, &sdev->sim.lock)
			sdev->sim.raise_irq = NULL;
		aiaccel_sim_irq_sync(sdev);
		return dev_err_probe(dev, PTR_ERR(sdev->child),
				     "cannot create the accelerator device\n");
	}

	platform_set_drvdata(pdev, sdev);
	dev_info(dev, "aiaccel model: %u engines, %u DMA channels, %u MiB, %u MHz\n",
		 cfg.num_engines, cfg.num_dma_channels, mem_size_mb, cfg.max_clock_mhz);
	return 0;
}

static void aiaccel_sim_remove(struct platform_device *pdev)
{
	struct aiaccel_sim_device *sdev = platform_get_drvdata(pdev);

	/* The driver goes first, then the chip it was talking to. */
	platform_device_unregister(sdev->child);
	aiaccel_sim_teardown(sdev);
	scoped_guard(spinlock_irqsave, &sdev->sim.lock)
		sdev->sim.raise_irq = NULL;
	aiaccel_sim_irq_sync(sdev);
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * aiaccel_sim_of() - The chip of a model instance.
 * @pdev: An "aiaccel-sim" platform device.
 *
 * For KUnit, which registers instances of its own and pulls their test
 * hooks directly, where tests in a guest write debugfs.
 *
 * Return: the chip, or NULL if the instance did not probe.
 */
struct aiaccel_sim *aiaccel_sim_of(struct platform_device *pdev)
{
	struct aiaccel_sim_device *sdev = platform_get_drvdata(pdev);

	return sdev ? &sdev->sim : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(aiaccel_sim_of);
#endif

/* Under sim_pdevs_lock: create instance @id and bind it to the model. */
static int aiaccel_sim_add(unsigned int id)
{
	struct platform_device *pdev;

	lockdep_assert_held(&sim_pdevs_lock);
	if (sim_pdevs[id])
		return -EEXIST;
	pdev = platform_device_register_simple("aiaccel-sim", id, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	if (!platform_get_drvdata(pdev)) {
		/* Probe failed; it already said why. */
		platform_device_unregister(pdev);
		return -ENODEV;
	}
	sim_pdevs[id] = pdev;
	return 0;
}

/* Under sim_pdevs_lock: remove instance @id, the driver's device first. */
static int aiaccel_sim_del(unsigned int id)
{
	lockdep_assert_held(&sim_pdevs_lock);
	if (!sim_pdevs[id])
		return -ENOENT;
	platform_device_unregister(sim_pdevs[id]);
	sim_pdevs[id] = NULL;
	return 0;
}

static int parse_id(const char *buf, unsigned int *id)
{
	int ret = kstrtouint(buf, 0, id);

	if (ret)
		return ret;
	return *id > AIACCEL_SIM_MAX_ID ? -ERANGE : 0;
}

/*
 * /sys/bus/platform/drivers/aiaccel-sim/new_device and del_device: plug
 * in and pull out an accelerator at run time, as netdevsim's bus does.
 * Write the instance number (0-63).
 */
static ssize_t new_device_store(struct device_driver *drv, const char *buf, size_t count)
{
	unsigned int id;
	int ret;

	ret = parse_id(buf, &id);
	if (ret)
		return ret;
	scoped_guard(mutex, &sim_pdevs_lock)
		ret = aiaccel_sim_add(id);
	return ret ?: count;
}
static DRIVER_ATTR_WO(new_device);

static ssize_t del_device_store(struct device_driver *drv, const char *buf, size_t count)
{
	unsigned int id;
	int ret;

	ret = parse_id(buf, &id);
	if (ret)
		return ret;
	scoped_guard(mutex, &sim_pdevs_lock)
		ret = aiaccel_sim_del(id);
	return ret ?: count;
}
static DRIVER_ATTR_WO(del_device);

static struct attribute *aiaccel_sim_drv_attrs[] = {
	&driver_attr_new_device.attr,
	&driver_attr_del_device.attr,
	NULL
};
ATTRIBUTE_GROUPS(aiaccel_sim_drv);

static struct platform_driver aiaccel_sim_driver = {
	.probe = aiaccel_sim_probe,
	.remove = aiaccel_sim_remove,
	.driver = {
		.name = "aiaccel-sim",
		.groups = aiaccel_sim_drv_groups,
	},
};

static void aiaccel_sim_destroy_devices(void)
{
	int i;

	guard(mutex)(&sim_pdevs_lock);
	for (i = AIACCEL_SIM_MAX_ID; i >= 0; i--)
		aiaccel_sim_del(i);
}

static int __init aiaccel_sim_module_init(void)
{
	unsigned int i;
	int ret;

	if (!num_devices || num_devices > AIACCEL_SIM_MAX_DEVICES) {
		pr_err("aiaccel_sim: num_devices must be 1..%d\n", AIACCEL_SIM_MAX_DEVICES);
		return -EINVAL;
	}

	sim_debugfs_root = debugfs_create_dir("aiaccel_sim", NULL);
	ret = platform_driver_register(&aiaccel_sim_driver);
	if (ret) {
		debugfs_remove(sim_debugfs_root);
		return ret;
	}

	for (i = 0; i < num_devices; i++) {
		scoped_guard(mutex, &sim_pdevs_lock)
			ret = aiaccel_sim_add(i);
		if (ret)
			goto err_destroy;
	}
	return 0;

err_destroy:
	platform_driver_unregister(&aiaccel_sim_driver);
	aiaccel_sim_destroy_devices();
	debugfs_remove(sim_debugfs_root);
	return ret;
}

/*
 * The driver goes first: that removes new_device and del_device (waiting
 * for writers in them) and unbinds every instance; then the devices.
 */
static void __exit aiaccel_sim_module_exit(void)
{
	platform_driver_unregister(&aiaccel_sim_driver);
	aiaccel_sim_destroy_devices();
	debugfs_remove(sim_debugfs_root);
}

module_init(aiaccel_sim_module_init);
module_exit(aiaccel_sim_module_exit);

MODULE_DESCRIPTION("Hardware model of the aiaccel inference accelerator");
MODULE_LICENSE("GPL");
