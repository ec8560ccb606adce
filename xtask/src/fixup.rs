//! The one shape of every transformation codegen applies, and the runner that walks a table of
//! them.
//!
//! A fixup is a named function `fn(&mut Target, &Ctx) -> Result<Applied, String>`: it changes
//! its target (a spec, or the syntax tree of a client, a CLI or a mock) using what codegen read
//! from the spec (`Ctx`), and says in how many places it changed it. Each target has one table
//! of fixups, in the order they run. A fixup that changes nothing means progenitor's output (or
//! the spec) no longer has the shape it was written for, so codegen fails naming it, as
//! [`Expect`] says.

/// What a fixup did to its target.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// In how many places the fixup changed its target; 0 when it found nothing to change.
    pub places: usize,
    /// What codegen prints about the change, a line each, starting with the fixup's name.
    pub log: Vec<String>,
}

impl Applied {
    /// A change in `places` places, described by one log line.
    pub fn new(places: usize, line: String) -> Self {
        Self {
            places,
            log: vec![line],
        }
    }

    /// One log line per place changed.
    pub fn each(log: Vec<String>) -> Self {
        Self {
            places: log.len(),
            log,
        }
    }
}

/// Where a fixup must change something for codegen to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// In the code of every provider: the shape it fixes is in any client (or CLI, or mock).
    EveryProvider,
    /// In the code of at least one provider, over a run that generates them all: the shape it
    /// fixes comes from a spec construct that only some specs use.
    SomeProvider,
}

/// One named transformation of a `T`, reading what codegen knows of the spec from a `C`.
pub struct Fixup<T, C> {
    /// The function's name, which names the fixup in the log and in errors.
    pub name: &'static str,
    /// The transformation.
    pub apply: fn(&mut T, &C) -> Result<Applied, String>,
    /// Where it must change something.
    pub expect: Expect,
}

/// A row of a fixup table: `fixup!(function, EveryProvider)` names the fixup after its function,
/// so the table and the log cannot disagree with the code.
macro_rules! fixup {
    ($name:ident, $expect:ident) => {
        $crate::fixup::Fixup {
            name: stringify!($name),
            apply: $name,
            expect: $crate::fixup::Expect::$expect,
        }
    };
}
pub(crate) use fixup;

/// How one fixup of a table went on one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// The table the fixup belongs to: `client`, `CLI`, `mock`.
    pub table: &'static str,
    /// The fixup's name.
    pub name: &'static str,
    /// Where it must change something.
    pub expect: Expect,
    /// In how many places it changed the target.
    pub places: usize,
}

/// Applies every fixup of `table` (named `table_name`) to `target` in order, adding their lines
/// to `log`. Returns how each went; an error names the fixup that failed.
pub fn run<T, C>(
    table_name: &'static str,
    table: &[Fixup<T, C>],
    target: &mut T,
    ctx: &C,
    log: &mut Vec<String>,
) -> Result<Vec<Ran>, String> {
    let mut ran = Vec::with_capacity(table.len());
    for fixup in table {
        let applied = (fixup.apply)(target, ctx).map_err(|e| format!("{}: {e}", fixup.name))?;
        log.extend(applied.log);
        ran.push(Ran {
            table: table_name,
            name: fixup.name,
            expect: fixup.expect,
            places: applied.places,
        });
    }
    Ok(ran)
}

/// Fails naming each fixup of `ran` that must change every provider's code and changed
/// nothing in `label`'s.
pub fn require_every_provider(label: &str, ran: &[Ran]) -> Result<(), String> {
    let idle: Vec<String> = ran
        .iter()
        .filter(|ran| ran.expect == Expect::EveryProvider && ran.places == 0)
        .map(|ran| format!("{} fixup {}", ran.table, ran.name))
        .collect();
    if idle.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{label}: applied nowhere, so the code no longer has the shape they fix: {}",
            idle.join(", ")
        ))
    }
}

/// Fails naming each fixup that must change some provider's code and changed nothing in any
/// of the runs of `ran` (one per provider).
pub fn require_some_provider(ran: &[Ran]) -> Result<(), String> {
    let mut idle: Vec<String> = ran
        .iter()
        .filter(|first| first.expect == Expect::SomeProvider)
        .filter(|first| {
            ran.iter()
                .filter(|other| other.table == first.table && other.name == first.name)
                .all(|other| other.places == 0)
        })
        .map(|ran| format!("{} fixup {}", ran.table, ran.name))
        .collect();
    idle.sort_unstable();
    idle.dedup();
    if idle.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "applied nowhere in any provider's code: {}",
            idle.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count_zeros(target: &mut Vec<i32>, _: &()) -> Result<Applied, String> {
        let zeros = target.iter().filter(|n| **n == 0).count();
        target.retain(|n| *n != 0);
        Ok(Applied::new(zeros, format!("count_zeros: {zeros} removed")))
    }

    #[expect(
        clippy::ptr_arg,
        reason = "every fixup of a table has the table's signature"
    )]
    fn refuse_negatives(target: &mut Vec<i32>, _: &()) -> Result<Applied, String> {
        match target.iter().find(|n| **n < 0) {
            Some(n) => Err(format!("{n} is negative")),
            None => Ok(Applied::default()),
        }
    }

    const EVERY: &[Fixup<Vec<i32>, ()>] = &[fixup!(count_zeros, EveryProvider)];
    const SOME: &[Fixup<Vec<i32>, ()>] = &[
        fixup!(count_zeros, SomeProvider),
        fixup!(refuse_negatives, SomeProvider),
    ];

    #[test]
    fn a_fixup_that_changes_nothing_fails_where_it_must_apply() {
        let mut log = Vec::new();
        let ran = run("numbers", EVERY, &mut vec![0, 1, 0], &(), &mut log).expect("runs");
        assert_eq!(log, ["count_zeros: 2 removed"]);
        assert_eq!(require_every_provider("a", &ran), Ok(()));

        let ran = run("numbers", EVERY, &mut vec![1], &(), &mut log).expect("runs");
        assert_eq!(
            require_every_provider("b", &ran),
            Err(
                "b: applied nowhere, so the code no longer has the shape they fix: \
                 numbers fixup count_zeros"
                    .to_string()
            )
        );
    }

    #[test]
    fn a_fixup_for_some_specs_must_apply_in_one_of_them() {
        let mut log = Vec::new();
        let mut ran = run("numbers", SOME, &mut vec![1], &(), &mut log).expect("runs");
        assert_eq!(require_every_provider("a", &ran), Ok(()));
        ran.extend(run("numbers", SOME, &mut vec![0], &(), &mut log).expect("runs"));
        assert_eq!(
            require_some_provider(&ran),
            Err(
                "applied nowhere in any provider's code: numbers fixup refuse_negatives"
                    .to_string()
            )
        );
        let error = run("numbers", SOME, &mut vec![-1], &(), &mut log).expect_err("refused");
        assert_eq!(error, "refuse_negatives: -1 is negative");
    }
}
