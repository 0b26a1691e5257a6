import type { Command } from 'commander';

export function registerRegistryCommands(_program: Command): void {}
