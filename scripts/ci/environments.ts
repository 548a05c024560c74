// The environments CI plans and deploys: those with `ci.github` set, each with the GitHub environment of its deploy
// jobs, as a GitHub Actions matrix (`strategy.matrix: ${{ fromJSON(...) }}`).
import type { AppConfig } from "../../config";

export interface CiMatrix {
  readonly include: { readonly env: string; readonly github_environment: string }[];
}

/** The CI matrix of a configuration: one entry per environment with ci set, in the file's order. */
export function ciMatrix(config: AppConfig): CiMatrix {
  return {
    include: config.environments.flatMap((env) => (env.ci ? [{ env: env.name, github_environment: env.ci.github.deployEnvironment }] : [])),
  };
}
