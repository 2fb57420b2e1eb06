/** Verifier Lambda entry: the deployed composition, built once per cold start. */
import { deployedVerifier } from './deployed';

export const handler = deployedVerifier();
