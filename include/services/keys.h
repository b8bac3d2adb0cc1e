/* keys.h: key codes the consoles deliver (ASCII, plus these for editing keys). */
#ifndef OSPREY_KEYS_H
#define OSPREY_KEYS_H

enum {
	KEY_CTRL_A = 0x01, KEY_CTRL_B = 0x02, KEY_CTRL_C = 0x03, KEY_CTRL_D = 0x04,
	KEY_CTRL_E = 0x05, KEY_CTRL_F = 0x06, KEY_BACKSPACE = 0x08, KEY_TAB = 0x09,
	KEY_ENTER = 0x0d, KEY_CTRL_K = 0x0b, KEY_CTRL_N = 0x0e, KEY_CTRL_P = 0x10,
	KEY_CTRL_U = 0x15, KEY_ESC = 0x1b, KEY_DEL_ASCII = 0x7f,
	KEY_UP = 0x100, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END, KEY_DELETE,
	KEY_PGUP, KEY_PGDN, KEY_INSERT,
};

#endif
