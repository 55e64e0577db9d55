export { RungDetails } from './RungDetails';
