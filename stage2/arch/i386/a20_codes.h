/* a20_codes.h: how A20 got enabled (a20_status), shared by the real-mode code and C. */
#ifndef OSPREY_A20_CODES_H
#define OSPREY_A20_CODES_H

#define A20_NOT_RUN 0     /* the image's own entry did not enable it (.lkrn: its stub did) */
#define A20_ALREADY 1     /* it was on already */
#define A20_BIOS 2        /* INT 15h AX=2401h */
#define A20_KBC 3         /* 8042 output port */
#define A20_FAST 4        /* port 0x92 */
#define A20_FAILED 0xff   /* every method, A20_TRIES times */
#define A20_TRIES 3

#endif
