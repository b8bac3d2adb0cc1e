/* version.h: the version string shown in the banner. */
#ifndef OSPREY_VERSION_H
#define OSPREY_VERSION_H

#define OSPREY_VERSION "0.1"

#endif
