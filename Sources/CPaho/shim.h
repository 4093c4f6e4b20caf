/* The Eclipse Paho MQTT C client, asynchronous API with TLS (libpaho-mqtt-dev). */
#include <MQTTAsync.h>
