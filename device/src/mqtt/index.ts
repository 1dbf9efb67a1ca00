/** The appliance's MQTT side: broker, accounts, topic contract publishing, requests, HA discovery, upstream bridge. */
export { MqttService, type MqttServiceOptions } from './mqtt-service.js';
export { MqttBroker, type MqttBrokerOptions, type InternalBus, type BrokerMessage, type PublishOptions, type MqttSettings } from './broker.js';
export {
  JsonMqttAccountStore,
  MqttAccountCreate,
  MqttAccountPatch,
  MqttRole,
  defaultAccountsFile,
  MqttAccountsDocument,
  emptyMqttAccounts,
  type MqttAccountStore,
  type MqttPrincipal,
  type MqttAccountSummary,
  type MqttAccountError,
} from './accounts.js';
export { TopicAcl } from './acl.js';
export { MqttRequestRouter, type RequestHandler } from './requests.js';
export { registerBuiltinRequests } from './builtin-requests.js';
export { MqttPublisher, type HealthProvider, type InfoProvider } from './publisher.js';
export { HomeAssistantDiscovery, discoveryMessages, DEFAULT_DISCOVERY_PREFIX } from './discovery.js';
export { UpstreamBridge, type UpstreamBridgeConfig, type UpstreamBridgeStats } from './upstream-bridge.js';
export { attachWebSocket } from './websocket.js';
export { hashPassword, verifyPassword } from '../util/passwords.js';
