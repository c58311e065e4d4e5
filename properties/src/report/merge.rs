//! `xpcheck merge A.json B.json ...`: the JSON reports of one run split over CI jobs
//! (`--partition K/N`, `report::partition`) combined into one report with the verdict rules of
//! a single run ([`super::Status::of`]): a rule is violated if any share violated it, without a
//! verdict if any share was cut short or a share is missing, else passed if any share
//! exercised it. Counts add up; rates are recomputed; one counterexample per rule is kept, the
//! one of the lowest share (for `sim`, the lowest seed).
//!
//! It works on the JSON documents (the CLI's machine interface, whose fields are only ever
//! added), so reports written by another version of xpcheck merge as long as they agree on
//! engine, provider and rule set.

use serde_json::{Map, Value};

use super::Partition;

/// Why reports cannot be merged. The CLI exits 2 with this message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// A document is not an xpcheck report.
    #[error("{file}: not an xpcheck report: {what}")]
    NotAReport {
        /// The file.
        file: String,
        /// What is missing or malformed.
        what: String,
    },
    /// Two reports are not shares of the same run.
    #[error("{file}: {what} differs from {first}: {a} vs {b}; only shares of one run merge")]
    Mismatch {
        /// The first report.
        first: String,
        /// The report that differs.
        file: String,
        /// The field.
        what: &'static str,
        /// The first report's value.
        a: String,
        /// This report's value.
        b: String,
    },
    /// Nothing to merge, or a report of one replayed seed.
    #[error("{0}")]
    Unmergeable(String),
}

fn field<'a>(file: &str, doc: &'a Value, key: &str) -> Result<&'a Value, MergeError> {
    doc.get(key).ok_or_else(|| MergeError::NotAReport {
        file: file.into(),
        what: format!("no \"{key}\" field"),
    })
}

fn array<'a>(file: &str, doc: &'a Value, key: &str) -> Result<&'a Vec<Value>, MergeError> {
    field(file, doc, key)?
        .as_array()
        .ok_or_else(|| MergeError::NotAReport {
            file: file.into(),
            what: format!("\"{key}\" is not an array"),
        })
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The rule IDs of a report, in order.
fn rule_ids(file: &str, doc: &Value) -> Result<Vec<String>, MergeError> {
    array(file, doc, "rules")?
        .iter()
        .map(|r| {
            r.get("id")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| MergeError::NotAReport {
                    file: file.into(),
                    what: "a rule without an \"id\"".into(),
                })
        })
        .collect()
}

/// Whether a share ran to the end: no bound or interrupt cut it.
fn complete(doc: &Value) -> bool {
    let word = |v: &Value| v.as_str() == Some("incomplete");
    !word(&doc["verdict"])
        && !doc["rules"]
            .as_array()
            .is_some_and(|rs| rs.iter().any(|r| word(&r["status"])))
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

/// Adds the figures of `b` to `a`: counts add up, `depth` is the deepest, rates are
/// recomputed from the sums (`events_per_sec` = `events` / `seconds`). `seconds` is the sum
/// over the jobs (CPU time of the whole run, not the wall time of the matrix).
fn add_stats(a: &mut Map<String, Value>, b: &Map<String, Value>) {
    for (k, v) in b {
        if k.ends_with("_per_sec") {
            a.insert(k.clone(), Value::from(0.0)); // recomputed below
            continue;
        }
        let sum = match (a.get(k), v) {
            (Some(x), y) if k == "depth" => Value::from(number(x).max(number(y)) as u64),
            (Some(Value::Number(x)), Value::Number(y)) => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => Value::from(x.saturating_add(y)),
                _ => Value::from(x.as_f64().unwrap_or(0.0) + y.as_f64().unwrap_or(0.0)),
            },
            (None, y) => y.clone(),
            (Some(x), _) => x.clone(),
        };
        a.insert(k.clone(), sum);
    }
    let seconds = a.get("seconds").map_or(0.0, number);
    let rates: Vec<String> = a
        .keys()
        .filter(|k| k.ends_with("_per_sec"))
        .cloned()
        .collect();
    for rate in rates {
        let base = rate.trim_end_matches("_per_sec");
        let count = a
            .get(base)
            .or_else(|| a.get(&format!("{base}s")))
            .map_or(0.0, number);
        let r = if seconds > 0.0 { count / seconds } else { 0.0 };
        a.insert(rate, Value::from(r));
    }
}

/// Merges the reports `parts` (file name, parsed JSON) into one report document.
///
/// Every part must be an xpcheck report of the same engine, provider, model and rule set.
/// Parts that carry a `partition` (`K/N`) must agree on N and not repeat a K; a missing share
/// leaves the merged run without a verdict (`incomplete`, with a note naming it), since its
/// seeds or scenarios never ran.
pub fn merge(parts: &[(String, Value)]) -> Result<Value, MergeError> {
    let Some((first_file, first)) = parts.first() else {
        return Err(MergeError::Unmergeable("no reports to merge".into()));
    };
    // Validate every part and check that they are shares of one run.
    let ids = rule_ids(first_file, first)?;
    let mut shares: Vec<(Option<Partition>, usize)> = Vec::new();
    for (i, (file, doc)) in parts.iter().enumerate() {
        if !doc.is_object() {
            return Err(MergeError::NotAReport {
                file: file.clone(),
                what: "not a JSON object".into(),
            });
        }
        for key in ["verdict", "engine", "provider", "stats", "coverage"] {
            field(file, doc, key)?;
        }
        array(file, doc, "counterexamples")?;
        if doc.get("seed").is_some_and(|s| !s.is_null()) {
            return Err(MergeError::Unmergeable(format!(
                "{file}: a replay of one seed; only whole runs (sim, check, explore, loom, \
                 validate) merge"
            )));
        }
        for what in ["engine", "provider", "model", "breaks"] {
            if first.get(what) != doc.get(what) {
                return Err(MergeError::Mismatch {
                    first: first_file.clone(),
                    file: file.clone(),
                    what,
                    a: first.get(what).map_or("none".into(), text),
                    b: doc.get(what).map_or("none".into(), text),
                });
            }
        }
        if rule_ids(file, doc)? != ids {
            return Err(MergeError::Mismatch {
                first: first_file.clone(),
                file: file.clone(),
                what: "the rule set",
                a: format!("{} rules", ids.len()),
                b: format!("{} rules", rule_ids(file, doc)?.len()),
            });
        }
        let partition = match doc.get("partition").and_then(Value::as_str) {
            Some(p) => Some(p.parse::<Partition>().map_err(|e| MergeError::NotAReport {
                file: file.clone(),
                what: e,
            })?),
            None => None,
        };
        shares.push((partition, i));
    }
    // Shares in partition order (so the first counterexample kept is the lowest share's),
    // each K at most once, N the same everywhere.
    shares.sort_by_key(|&(p, i)| (p, i));
    let count = shares.iter().find_map(|(p, _)| p.map(|p| p.count));
    let mut notes_extra = Vec::new();
    let mut missing = false;
    if let Some(n) = count {
        for w in shares.windows(2) {
            if w[0].0.is_some() && w[0].0 == w[1].0 {
                return Err(MergeError::Unmergeable(format!(
                    "{} and {} are both partition {}",
                    parts[w[0].1].0,
                    parts[w[1].1].0,
                    w[0].0.unwrap_or(Partition::WHOLE)
                )));
            }
        }
        for (p, i) in &shares {
            match p {
                Some(p) if p.count != n => {
                    return Err(MergeError::Unmergeable(format!(
                        "{}: partition {p} of a run split {} ways, others of one split {n} ways",
                        parts[*i].0, p.count
                    )))
                }
                None => {
                    return Err(MergeError::Unmergeable(format!(
                        "{}: a whole run mixed with partitions of one",
                        parts[*i].0
                    )))
                }
                _ => {}
            }
        }
        let absent: Vec<String> = (1..=n)
            .filter(|&k| !shares.iter().any(|(p, _)| p.is_some_and(|p| p.index == k)))
            .map(|k| format!("{k}/{n}"))
            .collect();
        if !absent.is_empty() {
            missing = true;
            notes_extra.push(format!(
                "partition(s) {} missing: their share of the run never ran here, so no rule \
                 can pass (incomplete, not passed)",
                absent.join(", ")
            ));
        }
    }
    let ordered: Vec<&(String, Value)> = shares.iter().map(|&(_, i)| &parts[i]).collect();
    let all_complete = !missing && ordered.iter().all(|(_, d)| complete(d));

    // Per rule: counts add up, engines unite, the status follows Status::of.
    let mut rules: Vec<Value> = first["rules"].as_array().cloned().unwrap_or_default();
    for (j, rule) in rules.iter_mut().enumerate() {
        let mut checks = 0u64;
        let mut warnings = 0u64;
        let mut violated = false;
        let mut engines: Vec<Value> = Vec::new();
        for (_, doc) in &ordered {
            let r = &doc["rules"][j];
            checks = checks.saturating_add(r["checks"].as_u64().unwrap_or(0));
            warnings = warnings.saturating_add(r["warnings"].as_u64().unwrap_or(0));
            violated |= r["status"].as_str() == Some("violated");
            for e in r["engines"].as_array().into_iter().flatten() {
                if !engines.contains(e) {
                    engines.push(e.clone());
                }
            }
        }
        let status = super::Status::of(violated, all_complete, checks);
        rule["checks"] = Value::from(checks);
        rule["warnings"] = Value::from(warnings);
        rule["status"] = Value::from(status.word());
        rule["engines"] = Value::from(engines);
    }
    let any_violated = rules.iter().any(|r| r["status"] == "violated")
        || ordered.iter().any(|(_, d)| d["verdict"] == "violated");
    let verdict = if any_violated {
        "violated"
    } else if !all_complete {
        "incomplete"
    } else {
        "pass"
    };

    let mut out = first.clone();
    let o = out.as_object_mut().expect("checked above: an object");
    o.remove("partition");
    o.insert("verdict".into(), Value::from(verdict));
    let exercised = rules
        .iter()
        .filter(|r| r["checks"].as_u64().unwrap_or(0) > 0)
        .count();
    o.insert("rules".into(), Value::from(rules));
    if let Some(c) = o.get_mut("coverage").and_then(Value::as_object_mut) {
        c.insert("exercised".into(), Value::from(exercised));
    }

    let mut stats = Map::new();
    let mut scenarios = Vec::new();
    let mut sometimes: Vec<Value> = Vec::new();
    let mut counterexamples: Vec<Value> = Vec::new();
    let mut findings = Vec::new();
    let mut crash = None;
    let mut notes: Vec<Value> = Vec::new();
    for (_, doc) in &ordered {
        if let Some(s) = doc["stats"].as_object() {
            add_stats(&mut stats, s);
        }
        scenarios.extend(doc["scenarios"].as_array().cloned().unwrap_or_default());
        for r in doc["sometimes"].as_array().into_iter().flatten() {
            match sometimes.iter_mut().find(|x| x["name"] == r["name"]) {
                Some(x) => {
                    let hit = x["reached"] == true || r["reached"] == true;
                    x["reached"] = Value::from(hit);
                }
                None => sometimes.push(r.clone()),
            }
        }
        for cx in doc["counterexamples"].as_array().into_iter().flatten() {
            if !counterexamples.iter().any(|x| x["rule"] == cx["rule"]) {
                counterexamples.push(cx.clone());
            }
        }
        findings.extend(doc["findings"].as_array().cloned().unwrap_or_default());
        if crash.is_none() && doc.get("crash").is_some_and(|c| !c.is_null()) {
            crash = Some(doc["crash"].clone());
        }
        for n in doc["notes"].as_array().into_iter().flatten() {
            let share = n.as_str().is_some_and(|s| s.starts_with("partition "));
            if !share && !notes.contains(n) {
                notes.push(n.clone());
            }
        }
    }
    o.insert("stats".into(), Value::from(stats));
    let mut set = |key: &str, v: Vec<Value>| {
        if v.is_empty() {
            o.remove(key);
        } else {
            o.insert(key.into(), Value::from(v));
        }
    };
    set("scenarios", scenarios);
    set("sometimes", sometimes);
    set("findings", findings);
    o.insert("counterexamples".into(), Value::from(counterexamples));
    match crash {
        Some(c) => o.insert("crash".into(), c),
        None => o.remove("crash"),
    };
    let names: Vec<&str> = ordered.iter().map(|(f, _)| f.as_str()).collect();
    notes.push(Value::from(format!(
        "merged from {} report(s): {}; seconds are summed over them",
        ordered.len(),
        names.join(", ")
    )));
    notes.extend(notes_extra.into_iter().map(Value::from));
    o.insert("notes".into(), Value::from(notes));
    o.insert("merged".into(), Value::from(ordered.len()));
    Ok(out)
}

/// The merged report as text: title, figures, the rules that were violated, warned or left
/// without a verdict, the counterexamples' replay recipes, notes and the verdict line (the
/// same line as every engine's report).
pub fn render_text(doc: &Value) -> String {
    let s = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let mut out = format!(
        "xpcheck merge — engine {}, provider {} ({} reports)\n",
        s(&doc["engine"]),
        s(&doc["provider"]),
        doc["merged"].as_u64().unwrap_or(0)
    );
    if let Some(stats) = doc["stats"].as_object() {
        let figures: Vec<String> = stats
            .iter()
            .filter(|(k, _)| !k.ends_with("_per_sec"))
            .map(|(k, v)| match v.as_f64() {
                Some(f) if k == "seconds" => format!("{k} {f:.2}"),
                _ => format!("{k} {v}"),
            })
            .collect();
        out += &format!("{}\n\n", figures.join(", "));
    }
    let rules = doc["rules"].as_array().cloned().unwrap_or_default();
    let count = |st: &str| rules.iter().filter(|r| r["status"] == st).count();
    let notable: Vec<&Value> = rules
        .iter()
        .filter(|r| r["status"] == "violated" || r["warnings"].as_u64().unwrap_or(0) > 0)
        .collect();
    if !notable.is_empty() {
        out += "rule        status          checks  warnings\n";
        for r in notable {
            out += &format!(
                "{:<11} {:<15} {:>6}  {:>8}\n",
                s(&r["id"]),
                s(&r["status"]),
                r["checks"],
                r["warnings"]
            );
        }
        out.push('\n');
    }
    let unexercised: Vec<String> = rules
        .iter()
        .filter(|r| r["status"] == "not_exercised")
        .map(|r| s(&r["id"]))
        .collect();
    if !unexercised.is_empty() {
        out += &format!(
            "not exercised ({}): {}\n\n",
            unexercised.len(),
            unexercised.join(" ")
        );
    }
    for cx in doc["counterexamples"].as_array().into_iter().flatten() {
        out += &format!(
            "counterexample for {} — {}\n  replay: {}\n",
            s(&cx["rule"]),
            s(&cx["summary"]),
            s(&cx["replay"])
        );
    }
    for n in doc["notes"].as_array().into_iter().flatten() {
        out += &format!("note: {}\n", s(n));
    }
    let warnings: u64 = rules.iter().filter_map(|r| r["warnings"].as_u64()).sum();
    let c = &doc["coverage"];
    let mut line = format!(
        "\n{}: {} violated, {} warning{}; {} of {} rules checked, {} exercised",
        s(&doc["verdict"]).to_uppercase(),
        count("violated"),
        warnings,
        if warnings == 1 { "" } else { "s" },
        c["checked"],
        c["total"],
        c["exercised"]
    );
    if count("incomplete") > 0 {
        line += &format!(
            ", {} without a verdict (run cut short)",
            count("incomplete")
        );
    }
    out + &line + " (xpcheck rules --unchecked)\n"
}

/// The exit code of a merged report: 0 pass, 1 violated, 3 incomplete.
pub fn exit_code(doc: &Value) -> i32 {
    match doc["verdict"].as_str() {
        Some("pass") => 0,
        Some("violated") => 1,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn part(p: Option<&str>, verdict: &str, rules: Value, cx: Value) -> Value {
        let mut v = json!({
            "verdict": verdict, "engine": "sim", "provider": "loopback", "breaks": [],
            "stats": {"seeds": 10, "events": 100, "seconds": 2.0, "events_per_sec": 50.0,
                      "seeds_per_sec": 5.0},
            "coverage": {"total": 231, "checked": 2, "exercised": 1, "not_checked": []},
            "rules": rules, "counterexamples": cx, "notes": ["n"]
        });
        if let Some(p) = p {
            v["partition"] = Value::from(p);
        }
        v
    }

    fn rule(id: &str, status: &str, checks: u64, warnings: u64) -> Value {
        json!({"id": id, "status": status, "checks": checks, "warnings": warnings,
               "engines": if checks > 0 { json!(["sim"]) } else { json!([]) }})
    }

    #[test]
    fn counts_add_and_a_violation_anywhere_violates() {
        let a = part(
            Some("1/2"),
            "pass",
            json!([
                rule("TN-1", "pass", 3, 1),
                rule("TN-2", "not_exercised", 0, 0)
            ]),
            json!([]),
        );
        let b = part(
            Some("2/2"),
            "violated",
            json!([rule("TN-1", "pass", 4, 0), rule("TN-2", "violated", 2, 0)]),
            json!([{"rule": "TN-2", "summary": "s", "replay": "r 7"}]),
        );
        let m = merge(&[("b".into(), b), ("a".into(), a)]).unwrap();
        assert_eq!(m["verdict"], "violated");
        assert_eq!(m["rules"][0]["checks"], 7);
        assert_eq!(m["rules"][0]["warnings"], 1);
        assert_eq!(m["rules"][0]["status"], "pass");
        assert_eq!(m["rules"][1]["status"], "violated");
        assert_eq!(m["coverage"]["exercised"], 2);
        assert_eq!(m["stats"]["seeds"], 20);
        assert_eq!(m["stats"]["events_per_sec"], 50.0);
        assert_eq!(m["counterexamples"].as_array().unwrap().len(), 1);
        assert_eq!(exit_code(&m), 1);
        let text = render_text(&m);
        assert!(text.contains("VIOLATED: 1 violated, 1 warning;"), "{text}");
        assert!(text.contains("replay: r 7"), "{text}");
    }

    #[test]
    fn a_missing_share_leaves_no_verdict() {
        let a = part(
            Some("1/3"),
            "pass",
            json!([rule("TN-1", "pass", 3, 0)]),
            json!([]),
        );
        let m = merge(&[("a".into(), a)]).unwrap();
        assert_eq!(m["verdict"], "incomplete");
        assert_eq!(m["rules"][0]["status"], "incomplete");
        let notes = m["notes"].to_string();
        assert!(notes.contains("2/3, 3/3 missing"), "{notes}");
        assert_eq!(exit_code(&m), 3);
    }

    #[test]
    fn an_incomplete_share_makes_the_run_incomplete() {
        let a = part(
            Some("1/2"),
            "pass",
            json!([rule("TN-1", "pass", 3, 0)]),
            json!([]),
        );
        let b = part(
            Some("2/2"),
            "incomplete",
            json!([rule("TN-1", "incomplete", 1, 0)]),
            json!([]),
        );
        let m = merge(&[("a".into(), a), ("b".into(), b)]).unwrap();
        assert_eq!(m["verdict"], "incomplete");
    }

    #[test]
    fn shares_of_different_runs_do_not_merge() {
        let a = part(
            Some("1/2"),
            "pass",
            json!([rule("TN-1", "pass", 3, 0)]),
            json!([]),
        );
        let mut b = a.clone();
        b["provider"] = Value::from("relay");
        b["partition"] = Value::from("2/2");
        let e = merge(&[("a".into(), a.clone()), ("b".into(), b)]).unwrap_err();
        assert!(e.to_string().contains("provider differs"), "{e}");
        let e = merge(&[("a".into(), a.clone()), ("a2".into(), a.clone())]).unwrap_err();
        assert!(e.to_string().contains("both partition 1/2"), "{e}");
        let e = merge(&[("x".into(), json!({"verdict": "pass"}))]).unwrap_err();
        assert!(e.to_string().starts_with("x: not an xpcheck report"), "{e}");
        assert!(merge(&[]).is_err());
    }
}
