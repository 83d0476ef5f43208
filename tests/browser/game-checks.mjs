// Browser checks of the game heat map (docs/viewer.md "Sweeps"): a small `flank game` stored
// in the served store and given to a report with --game. Each check compares what is drawn
// with the game's own JSON: one cell per plan × option holding its payoff, colours that darken
// as the payoff rises, exactly Red's best responses flagged, the interval on hover, and the
// minimax option and equilibrium with its bootstrap interval in the report.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { check, overlappingText } from "./harness.mjs";

// Two plans (the scenario's, and a Red that attacks only at 6:1) against two postures: Red's
// best response is the scenario's plan in both columns unless the two tie.
export const GAME_PLANS =
  "study: browser-game\nscenario: builtin:eastern-flank-2023\ncandidates: builtin:posture-candidates\n" +
  "payoff: p:vilnius:day14\nreplications: 16\nfirst_batch: 0\nbootstrap: 30\nseed: 4\nchunk: 8\n" +
  "plans:\n  - {id: base, source: \"the scenario\", description: \"the scenario's plan\"}\n" +
  '  - {id: meek, source: "assumption", set: ["doctrine.red.commit_ratio=6"]}\n' +
  "options:\n  - {id: today, posture: []}\n  - {id: uk-vilnius, posture: [uk-bde-vilnius]}\n";

// Runs the game into the store; returns the game JSON's path.
export function storeGame(flank, profile, store) {
  const plans = join(profile, "game.yaml");
  writeFileSync(plans, GAME_PLANS);
  const json = join(profile, "game.json");
  execFileSync(flank, ["game", "--plans", plans, "--store", store, "--json", json, "-q"], { stdio: "inherit" });
  return json;
}

const pct = (v) => `${(100 * v).toFixed(1)} %`;

// Cells drawn in `card`, with their fill's relative luminance.
async function drawnCells(card) {
  return card.locator("g.game-cell").evaluateAll((els) =>
    els.map((g) => {
      const fill = getComputedStyle(g.querySelector("rect")).fill;
      const [r, gr, b] = fill.match(/\d+(\.\d+)?/g).map(Number);
      return {
        plan: g.dataset.plan,
        option: g.dataset.option,
        mean: +g.dataset.mean,
        best: g.dataset.best === "1",
        outlined: !!g.querySelector(".best-outline"),
        text: g.querySelector("text").textContent,
        luminance: 0.2126 * r + 0.7152 * gr + 0.0722 * b,
      };
    }),
  );
}

function checkMatrix(cells, game) {
  assert.equal(cells.length, game.plans.length * game.options.length, "one cell per plan × option");
  game.plans.forEach((p, i) =>
    game.options.forEach((o, j) => {
      const c = cells[i * game.options.length + j];
      assert.equal(c.plan, p.id);
      assert.equal(c.option, o.id);
      assert.equal(c.mean, p.cells[j].mean, `${p.id} × ${o.id}`);
      assert.equal(c.text, pct(p.cells[j].mean));
      const tie = game.plans.length > 1 && o.best_responses.length === game.plans.length;
      const best = !tie && o.best_responses.includes(p.id);
      assert.equal(c.best, best, `${p.id} × ${o.id}: best response flag`);
      assert.equal(c.outlined, best, `${p.id} × ${o.id}: outline`);
    }),
  );
  // Red wants the payoff high: a higher payoff is never drawn lighter.
  const sorted = [...cells].sort((a, b) => a.mean - b.mean);
  for (let k = 1; k < sorted.length; k++)
    if (sorted[k].mean > sorted[k - 1].mean) assert.ok(sorted[k].luminance < sorted[k - 1].luminance, `${sorted[k].plan}×${sorted[k].option} darker than ${sorted[k - 1].plan}×${sorted[k - 1].option}`);
}

export async function gameChecks(page, context, { base, flank, gameJson, run, artifacts }) {
  const sweeps = await (await fetch(`${base}/api/sweeps`)).json();
  const study = sweeps.studies.find((x) => x.study.kind === "game");
  const game = study?.results;

  await check("the game heat map shows every cell, coloured by payoff, best responses flagged", async () => {
    assert.ok(game?.plans, "the store's game study carries its results");
    await page.click('.tabs button[data-view="sweeps"]');
    const card = page.locator(`#view-sweeps section.game[data-study="${study.study.id}"]`);
    assert.equal(await card.count(), 1);
    checkMatrix(await drawnCells(card), game);
    assert.deepEqual(await overlappingText(page, `#view-sweeps section.game[data-study="${study.study.id}"] .game-heatmap`), []);
  });

  await check("hovering a cell shows its 95 % interval and replications", async () => {
    const card = page.locator(`#view-sweeps section.game[data-study="${study.study.id}"]`);
    const tip = card.locator(".game-tip");
    assert.equal(await tip.isVisible(), false);
    for (const [i, p] of game.plans.entries()) {
      const c = p.cells[game.options.length - 1];
      const o = game.options[game.options.length - 1];
      await card.locator(`g.game-cell[data-plan="${p.id}"][data-option="${o.id}"]`).hover();
      assert.equal(await tip.isVisible(), true, `tip shown for ${p.id}`);
      const text = await tip.textContent();
      assert.ok(text.includes(`${p.id} × ${o.id}`), text);
      assert.ok(text.includes(`${pct(c.mean)} [${pct(c.lo)}, ${pct(c.hi)}]`), text);
      assert.ok(text.includes(`n = ${c.n}`), text);
      // Placed at the cell hovered (below it, centred on it).
      const [cellBox, tipBox] = [await card.locator(`g.game-cell[data-plan="${p.id}"][data-option="${o.id}"]`).boundingBox(), await tip.boundingBox()];
      assert.ok(Math.abs(tipBox.x + tipBox.width / 2 - (cellBox.x + cellBox.width / 2)) < 2, `tip centred on cell ${i}`);
      assert.ok(tipBox.y >= cellBox.y + cellBox.height - 1, "below the cell");
    }
    await page.mouse.move(2, 2);
    assert.equal(await tip.isVisible(), false, "hidden again when the pointer leaves");
    await card.screenshot({ path: join(artifacts, "game.png") });
  });

  await check("a report with --game has the matrix, best responses, minimax and equilibrium", async () => {
    const summaryFile = join(artifacts, "game-summary.json");
    writeFileSync(summaryFile, JSON.stringify(run.summary));
    const file = join(artifacts, "game-report.html");
    execFileSync(flank, ["report", summaryFile, "--game", gameJson, "-o", file], { stdio: "inherit" });
    const offline = await context.newPage();
    const errors = [];
    offline.on("pageerror", (e) => errors.push(e.message));
    await offline.goto(pathToFileURL(file).href);
    await offline.waitForFunction(() => document.body.dataset.ready === "1", null, { timeout: 30000 });
    await offline.click('.tabs button[data-view="sweeps"]');
    const card = offline.locator('#view-sweeps section.game[data-game="browser-game"]');
    assert.equal(await card.count(), 1);
    checkMatrix(await drawnCells(card), game);
    const e = game.equilibrium;
    const eq = card.locator(".game-equilibrium");
    assert.equal(+(await eq.getAttribute("data-value")), e.value);
    assert.ok((await eq.textContent()).includes(`bootstrap 95 % [${pct(e.lo)}, ${pct(e.hi)}]`));
    assert.ok((await card.locator(".game-minimax").textContent()).includes(game.minimax_options.join(", ")));
    const worst = await card.locator("table.game-options tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.dataset.option, tr.children[2].textContent]));
    assert.deepEqual(
      worst,
      game.options.map((o) => [o.id, `${pct(o.worst_case.mean)} [${pct(o.worst_case.lo)}, ${pct(o.worst_case.hi)}]`]),
    );
    assert.deepEqual(errors, []);
    await offline.close();
  });
}
