/**
 * `environment-ladder inspect`: the Environment Ladder's engine on Kubernetes
 * objects in files. The command is `bin/environment-ladder`.
 *
 * @packageDocumentation
 */
export { main, run, USAGE, type CliIo } from './cli';
