/** The appliance's services beside the composition root: settings, cameras, system facts, and the adapters (bindings) from the real modules to the interfaces the HTTP routes sit on. */
export { bindCameraRuntime, bindCrops, bindIdentity, bindMqttAccounts, bindVisits, withEmptyFlag } from './bindings.js';
export { DocumentSettingsService, deepMerge, changedPaths, needsRestart, type SettingsListener } from './settings-service.js';
export { SettingsCameraService } from './camera-service.js';
export { ProcessSystemService, appVersion } from './system-service.js';
