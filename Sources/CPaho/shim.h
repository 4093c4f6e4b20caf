/* The Eclipse Paho MQTT C client, asynchronous API with TLS (libpaho-mqtt-dev). */
#include <MQTTAsync.h>

/*
 * The option structures are initialised with macros Swift cannot import;
 * these return them filled in.
 */
static inline MQTTAsync_createOptions camflow_mqtt_create_options(void)
{
	MQTTAsync_createOptions o = MQTTAsync_createOptions_initializer;
	return o;
}

static inline MQTTAsync_connectOptions camflow_mqtt_connect_options(void)
{
	MQTTAsync_connectOptions o = MQTTAsync_connectOptions_initializer;
	return o;
}

static inline MQTTAsync_SSLOptions camflow_mqtt_ssl_options(void)
{
	MQTTAsync_SSLOptions o = MQTTAsync_SSLOptions_initializer;
	return o;
}

static inline MQTTAsync_responseOptions camflow_mqtt_response_options(void)
{
	MQTTAsync_responseOptions o = MQTTAsync_responseOptions_initializer;
	return o;
}

static inline MQTTAsync_message camflow_mqtt_message(void)
{
	MQTTAsync_message o = MQTTAsync_message_initializer;
	return o;
}

static inline MQTTAsync_disconnectOptions camflow_mqtt_disconnect_options(void)
{
	MQTTAsync_disconnectOptions o = MQTTAsync_disconnectOptions_initializer;
	return o;
}
