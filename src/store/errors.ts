/** A state file or delivery journal the emulator cannot use: start-up is refused (the CLI prints it). */
export class StateFileError extends Error {}
