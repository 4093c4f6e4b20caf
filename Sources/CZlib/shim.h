/* zlib (zlib1g-dev): the MQTT payload framing base64(zlib(chunk)). */
#include <zlib.h>
