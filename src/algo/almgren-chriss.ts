/**
 * Almgren & Chriss (2000), "Optimal execution of portfolio transactions": the discrete optimal liquidation of X shares
 * in N periods of length tau = T/N under linear permanent impact (gamma), linear temporary impact (eta, plus a fixed
 * cost epsilon per share) and arithmetic Brownian price noise (sigma), minimising E + lambda V.
 *
 * - eta_tilde = eta - gamma tau / 2 (must be > 0); kappa_tilde^2 = lambda sigma^2 / eta_tilde; kappa solves
 *   (2 / tau^2)(cosh(kappa tau) - 1) = kappa_tilde^2, i.e. kappa = acosh(1 + kappa_tilde^2 tau^2 / 2) / tau.
 * - holdings x_j = sinh(kappa (T - t_j)) / sinh(kappa T) X, trades n_j = x_{j-1} - x_j;
 *   E = gamma X^2 / 2 + epsilon sum |n_k| + (eta_tilde / tau) sum n_k^2; V = sigma^2 tau sum_{k=1..N} x_k^2.
 *
 * Invariants: x_0 = X and x_N = 0 exactly; for X >= 0 the holdings never increase, so the trades sum to X. lambda = 0
 * gives the straight line (kappa = 0), lambda = Infinity sells everything in the first period (kappa = Infinity).
 * Units are the caller's: sigma, eta and T share one time unit (the paper's is the day), prices one currency.
 *
 * Limits: the model is for one side (X is the absolute quantity; a buy program is symmetric); drift (alpha) is left
 * out, as in the paper's efficient frontier; floating point throughout (an analytic, never what a client is told).
 * Pure math: no node imports, no clock. `holdingsFraction` allocates nothing, so a strategy may call it per decision.
 */

export interface AlmgrenChrissInputs {
  /** X: shares to sell (>= 0). */
  readonly quantity: number;
  /** T: the horizon, in the time unit of sigma and eta. */
  readonly horizon: number;
  /** N: number of periods (whole, >= 1); tau = T / N. */
  readonly periods: number;
  /** sigma: price volatility, currency per share per sqrt(time unit). */
  readonly sigma: number;
  /** eta: temporary impact, currency per share per (share per time unit). */
  readonly eta: number;
  /** gamma: permanent impact, currency per share per share. */
  readonly gamma: number;
  /** epsilon: fixed cost per share traded (half spread plus fees). */
  readonly epsilon: number;
  /** lambda: risk aversion, per currency unit; 0 is risk-neutral, Infinity sells at once. */
  readonly lambda: number;
}

export interface AlmgrenChrissSchedule {
  /** Urgency, per time unit (0 for the straight line, Infinity for selling at once). */
  readonly kappa: number;
  /** x_0 .. x_N: shares still held at t_j = j tau. */
  readonly holdings: Float64Array;
  /** n_1 .. n_N: shares sold in period j (between t_{j-1} and t_j). */
  readonly trades: Float64Array;
  /** E: expected implementation shortfall, currency. */
  readonly expectedCost: number;
  /** V: variance of the shortfall, currency squared. */
  readonly variance: number;
}

/** What is wrong with the inputs, naming the field, or null when they are usable. */
export interface AlmgrenChrissProblem {
  readonly field: keyof AlmgrenChrissInputs;
  readonly reason: string;
}

/** Below this kappa T the sinh ratio is the straight line to within (kappa T)^2 / 6 < 1e-16 relative. */
const LINEAR_KAPPA_T = 1e-8;

export function almgrenChrissProblem(inputs: AlmgrenChrissInputs): AlmgrenChrissProblem | null {
  const { quantity, horizon, periods, sigma, eta, gamma, epsilon, lambda } = inputs;
  if (!Number.isFinite(quantity) || quantity < 0) return { field: "quantity", reason: `must be >= 0, got ${quantity}` };
  if (!Number.isFinite(horizon) || horizon <= 0) return { field: "horizon", reason: `must be > 0, got ${horizon}` };
  if (!Number.isSafeInteger(periods) || periods < 1) {
    return { field: "periods", reason: `must be a whole number >= 1, got ${periods}` };
  }
  if (!Number.isFinite(sigma) || sigma < 0) return { field: "sigma", reason: `must be >= 0, got ${sigma}` };
  if (!Number.isFinite(eta) || eta <= 0) return { field: "eta", reason: `must be > 0, got ${eta}` };
  if (!Number.isFinite(gamma) || gamma < 0) return { field: "gamma", reason: `must be >= 0, got ${gamma}` };
  if (!Number.isFinite(epsilon) || epsilon < 0) return { field: "epsilon", reason: `must be >= 0, got ${epsilon}` };
  if (Number.isNaN(lambda) || lambda < 0) return { field: "lambda", reason: `must be >= 0, got ${lambda}` };
  const tau = horizon / periods;
  if (!(eta - (gamma * tau) / 2 > 0)) {
    return {
      field: "eta",
      reason:
        `eta_tilde = eta - gamma tau / 2 must be > 0 (eta ${eta}, gamma ${gamma}, tau ${tau}): ` +
        "the temporary impact must exceed half the permanent impact of a period",
    };
  }
  return null;
}

function check(inputs: AlmgrenChrissInputs): void {
  const problem = almgrenChrissProblem(inputs);
  if (problem !== null) throw new RangeError(`Almgren-Chriss ${problem.field}: ${problem.reason}`);
}

/** eta_tilde = eta - gamma tau / 2: the temporary impact net of the permanent impact's discrete-time correction. */
export function etaTilde(inputs: AlmgrenChrissInputs): number {
  return inputs.eta - (inputs.gamma * (inputs.horizon / inputs.periods)) / 2;
}

/**
 * kappa from (2 / tau^2)(cosh(kappa tau) - 1) = lambda sigma^2 / eta_tilde; 0 when lambda or sigma is 0; Infinity when
 * lambda is (even with sigma 0: infinite urgency is what the caller asked for).
 */
export function acKappa(inputs: AlmgrenChrissInputs): number {
  check(inputs);
  const tau = inputs.horizon / inputs.periods;
  if (inputs.lambda === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  const kappaTilde2 = (inputs.lambda * inputs.sigma * inputs.sigma) / etaTilde(inputs);
  // acosh(1 + u) = log1p(u + sqrt(u (u + 2))): exact for small u, where 1 + u would lose digits.
  const u = (kappaTilde2 * tau * tau) / 2;
  return Math.log1p(u + Math.sqrt(u * (u + 2))) / tau;
}

/**
 * Continuous-time share still held at `elapsed` of a horizon: sinh(kappa (T - t)) / sinh(kappa T), clamped to [0, 1];
 * 1 - t/T when kappa T is ~0. Written as e^{-kappa t} expm1(-2 kappa (T - t)) / expm1(-2 kappa T), which neither
 * overflows for large kappa T nor cancels for small. Allocation-free.
 */
export function holdingsFraction(kappa: number, horizon: number, elapsed: number): number {
  if (!(elapsed > 0)) return 1;
  if (!(elapsed < horizon)) return 0;
  if (kappa === Number.POSITIVE_INFINITY) return 0;
  if (!(kappa * horizon > LINEAR_KAPPA_T)) return 1 - elapsed / horizon;
  const f =
    (Math.exp(-kappa * elapsed) * Math.expm1(-2 * kappa * (horizon - elapsed))) / Math.expm1(-2 * kappa * horizon);
  return f < 0 ? 0 : f > 1 ? 1 : f;
}

/** x_0 .. x_N of the optimal schedule; x_0 = X and x_N = 0 exactly. */
export function optimalHoldings(inputs: AlmgrenChrissInputs): Float64Array {
  const kappa = acKappa(inputs);
  const { quantity, horizon, periods } = inputs;
  const holdings = new Float64Array(periods + 1);
  holdings[0] = quantity;
  for (let j = 1; j < periods; j++) holdings[j] = quantity * holdingsFraction(kappa, horizon, (j * horizon) / periods);
  holdings[periods] = 0;
  return holdings;
}

/** The naive schedule: X (N - j) / N, equal trades. */
export function straightLineHoldings(quantity: number, periods: number): Float64Array {
  if (!Number.isSafeInteger(periods) || periods < 1) {
    throw new RangeError(`straight line periods: must be a whole number >= 1, got ${periods}`);
  }
  const holdings = new Float64Array(periods + 1);
  for (let j = 0; j < periods; j++) holdings[j] = (quantity * (periods - j)) / periods;
  holdings[periods] = 0;
  return holdings;
}

/** n_j = x_{j-1} - x_j, j = 1..N. */
export function tradesOf(holdings: Float64Array): Float64Array {
  const trades = new Float64Array(Math.max(0, holdings.length - 1));
  for (let j = 1; j < holdings.length; j++) trades[j - 1] = (holdings[j - 1] as number) - (holdings[j] as number);
  return trades;
}

function checkHoldings(inputs: AlmgrenChrissInputs, holdings: Float64Array): void {
  check(inputs);
  if (holdings.length !== inputs.periods + 1) {
    throw new RangeError(
      `Almgren-Chriss holdings: expected ${inputs.periods + 1} values (x_0..x_N), got ${holdings.length}`,
    );
  }
}

/** E = gamma X^2 / 2 + epsilon sum |n_k| + (eta_tilde / tau) sum n_k^2, with X = x_0 - x_N (what the schedule sells). */
export function expectedCost(inputs: AlmgrenChrissInputs, holdings: Float64Array): number {
  checkHoldings(inputs, holdings);
  const tau = inputs.horizon / inputs.periods;
  const sold = (holdings[0] as number) - (holdings[inputs.periods] as number);
  let absolute = 0;
  let squares = 0;
  for (let j = 1; j <= inputs.periods; j++) {
    const n = (holdings[j - 1] as number) - (holdings[j] as number);
    absolute += Math.abs(n);
    squares += n * n;
  }
  return (inputs.gamma * sold * sold) / 2 + inputs.epsilon * absolute + (etaTilde(inputs) / tau) * squares;
}

/** V = sigma^2 tau sum_{k=1..N} x_k^2. */
export function costVariance(inputs: AlmgrenChrissInputs, holdings: Float64Array): number {
  checkHoldings(inputs, holdings);
  const tau = inputs.horizon / inputs.periods;
  let squares = 0;
  for (let k = 1; k <= inputs.periods; k++) squares += (holdings[k] as number) ** 2;
  return inputs.sigma * inputs.sigma * tau * squares;
}

/** The optimal schedule with its cost and variance. */
export function optimalSchedule(inputs: AlmgrenChrissInputs): AlmgrenChrissSchedule {
  const holdings = optimalHoldings(inputs);
  return {
    kappa: acKappa(inputs),
    holdings,
    trades: tradesOf(holdings),
    expectedCost: expectedCost(inputs, holdings),
    variance: costVariance(inputs, holdings),
  };
}

/** The straight-line schedule (what lambda = 0 gives) with its cost and variance, for comparison. */
export function straightLineSchedule(inputs: AlmgrenChrissInputs): AlmgrenChrissSchedule {
  check(inputs);
  const holdings = straightLineHoldings(inputs.quantity, inputs.periods);
  return {
    kappa: 0,
    holdings,
    trades: tradesOf(holdings),
    expectedCost: expectedCost(inputs, holdings),
    variance: costVariance(inputs, holdings),
  };
}
