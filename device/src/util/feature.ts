import type { Settings } from '../contracts/settings.js';

/** A part of the appliance that the composition root starts and stops (Zigbee2MQTT style). */
export interface Feature {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * The one way a feature hears settings changes: called by the composition root, in start order, after
   * every accepted change while the feature runs. The feature compares what concerns it (`sectionChanged`)
   * and applies it; features built with their initial settings need nothing else.
   */
  onSettingsChanged?(next: Settings, prev: Settings): void | Promise<void>;
}
