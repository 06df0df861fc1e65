/** CSV for pandas: snake_case headers from the row fields, empty cells for null and non-finite, quoted text. */
import { describe, expect, it } from "vitest";
import { toCsv } from "./tca-csv.js";

describe("toCsv", () => {
  it("writes snake_case headers, empty cells for missing values, and quotes text that needs it", () => {
    const csv = toCsv([
      { fillId: 1, childId: "C1", markout300sBps: 1.5, effectiveSpreadBps: null, note: 'a,"b"' },
      { fillId: 2, childId: null, markout300sBps: Number.NaN, effectiveSpreadBps: -0.25, note: "plain" },
    ]);
    expect(csv).toBe(
      "fill_id,child_id,markout_300s_bps,effective_spread_bps,note\n" + '1,C1,1.5,,"a,""b"""\n' + "2,,,-0.25,plain\n",
    );
  });

  it("writes an empty table as an empty file", () => {
    expect(toCsv([])).toBe("");
  });
});
