/* power.h: reboot and power off. Each returns only when it failed. */
#ifndef OSPREY_POWER_H
#define OSPREY_POWER_H

void machine_reboot(void);
void machine_poweroff(void);
void __attribute__((noreturn)) machine_stop(void);

#endif
