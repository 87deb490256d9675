/** Persistent state of the virtual key (JSON). Filled in by the implementation commit. */
export interface VirtualKeyState {
  readonly version: 1;
}
