/**
 * The kill switch: global, per source and per account. While a scope is killed, new orders in it are refused
 * (`kill-switch`) and its open orders are suspended: they keep what they have executed, take no new child orders, and
 * the child orders already working for them are cancelled by the execution layer (the engine reports them as
 * over-reserved). Reviving a scope resumes its orders.
 */
import type { KillScope } from "../model/client-commands.js";

export class KillSwitch {
  private global = false;
  private readonly sources = new Set<string>();
  private readonly accounts = new Set<string>();
  /** Why each active scope was killed, by `describe(scope)`. */
  private readonly reasons = new Map<string, string>();

  /** Whether anything at all is killed (a fast path for intake). */
  get any(): boolean {
    return this.global || this.sources.size > 0 || this.accounts.size > 0;
  }

  isKilled(source: string, account: string): boolean {
    if (!this.any) return false;
    return this.global || this.sources.has(source) || this.accounts.has(account);
  }

  /** The message refusing an order of `source` and `account`, naming the first active scope that covers it. */
  refusal(source: string, account: string): string {
    const scope: KillScope = this.global
      ? { scope: "global" }
      : this.sources.has(source)
        ? { scope: "source", id: source }
        : { scope: "account", id: account };
    return `the ${this.describe(scope)} covers this order`;
  }

  /** Sets a scope (with the reason it is killed); returns false when it was already in that state. */
  set(scope: KillScope, active: boolean, reason = ""): boolean {
    if (!this.change(scope, active)) return false;
    if (active) this.reasons.set(this.describe(scope), reason);
    else this.reasons.delete(this.describe(scope));
    return true;
  }

  /** The active scopes with the reasons they were killed for, in the order of `activeScopes`. */
  activeKills(): { readonly scope: KillScope; readonly reason: string }[] {
    return this.activeScopes().map((scope) => ({ scope, reason: this.reasons.get(this.describe(scope)) ?? "" }));
  }

  private change(scope: KillScope, active: boolean): boolean {
    if (scope.scope === "global") {
      if (this.global === active) return false;
      this.global = active;
      return true;
    }
    const set = scope.scope === "source" ? this.sources : this.accounts;
    if (set.has(scope.id) === active) return false;
    if (active) set.add(scope.id);
    else set.delete(scope.id);
    return true;
  }

  /** The active scopes, in a fixed order (global, sources, accounts; each sorted): for state hashes and reports. */
  activeScopes(): KillScope[] {
    const scopes: KillScope[] = this.global ? [{ scope: "global" }] : [];
    for (const id of [...this.sources].sort()) scopes.push({ scope: "source", id });
    for (const id of [...this.accounts].sort()) scopes.push({ scope: "account", id });
    return scopes;
  }

  describe(scope: KillScope): string {
    return scope.scope === "global" ? "global kill switch" : `kill switch on ${scope.scope} ${scope.id}`;
  }
}
