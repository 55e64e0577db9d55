export { ServicesLadderCard } from './ServicesLadderCard';
