//! Every text the checker shows a student, in English and Russian: one
//! catalogue, so a message is found, reviewed and translated in one place.
//!
//! Templates name their blanks (`{number}`); [`fill`] puts values in. A test
//! checks that both languages use the same blanks in every message.

use clap::ValueEnum;

/// The languages of the course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    En,
    Ru,
}

impl Lang {
    /// The language the environment asks for: the first of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` that is set (as POSIX orders them); Russian
    /// for `ru*`, English otherwise.
    pub fn from_env() -> Lang {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(var)
            .find(|value| !value.is_empty())
            .map_or(Lang::En, |value| {
                if value.starts_with("ru") {
                    Lang::Ru
                } else {
                    Lang::En
                }
            })
    }

    /// This language's catalogue.
    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::Ru => &RU,
        }
    }
}

/// At most `chars` characters of `text`, with `…` where it was cut.
pub fn shortened(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// `template` with each `{name}` replaced by its value.
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in values {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}

/// The catalogue: one field per message.
#[derive(Debug)]
pub struct Text {
    // The report's table.
    pub column_task: &'static str,
    pub column_tests: &'static str,
    pub column_points: &'static str,
    pub column_status: &'static str,
    pub status_passed: &'static str,
    pub status_failing: &'static str,
    pub status_not_started: &'static str,
    pub status_not_compiled: &'static str,
    pub status_missing: &'static str,
    // What went wrong.
    pub task_does_not_compile: &'static str,
    pub task_tests_pass: &'static str,
    pub test_failed: &'static str,
    pub test_timed_out: &'static str,
    pub test_not_compiled: &'static str,
    pub test_not_started: &'static str,
    pub failure_line: &'static str,
    pub idea: &'static str,
    pub statement: &'static str,
    pub at: &'static str,
    pub it_printed: &'static str,
    pub output_cut: &'static str,
    pub and_more: &'static str,
    // What to do next.
    pub next_todo: &'static str,
    pub next_compile: &'static str,
    pub next_fix: &'static str,
    pub next_missing: &'static str,
    pub ignored_files: &'static str,
    pub hint_line: &'static str,
    pub all_graded_pass: &'static str,
    pub sandbox_missing: &'static str,
    pub bonus: &'static str,
    pub finale: &'static str,
    pub edition_complete: &'static str,
    pub graded_later: &'static str,
    // Verdicts the checker words itself.
    pub verdict_timed_out: &'static str,
    pub verdict_crashed: &'static str,
    pub verdict_skipped: &'static str,
    pub verdict_does_not_compile: &'static str,
    pub verdict_missing: &'static str,
    pub ending_exited: &'static str,
    pub ending_aborted: &'static str,
    pub ending_killed: &'static str,
    pub ending_segfault: &'static str,
    pub ending_file_too_large: &'static str,
    pub verdict_out_of_memory: &'static str,
    pub ending_signal: &'static str,
    pub ending_timed_out: &'static str,
    // Commands.
    pub hint_header: &'static str,
    pub hint_last: &'static str,
    pub solution_locked: &'static str,
    pub solution_not_in_edition: &'static str,
    pub solution_header: &'static str,
    pub reset_confirm: &'static str,
    pub reset_done: &'static str,
    pub reset_restored: &'static str,
    pub reset_confirm_missing: &'static str,
    pub reset_cancelled: &'static str,
    pub reset_needs_yes: &'static str,
    pub reset_unchanged: &'static str,
    pub watch_ready: &'static str,
    pub watch_changed: &'static str,
    pub watch_focus: &'static str,
    pub watch_unknown_key: &'static str,
    pub watch_bye: &'static str,
}

pub const EN: Text = Text {
    column_task: "task",
    column_tests: "tests",
    column_points: "points",
    column_status: "status",
    status_passed: "passed",
    status_failing: "failing",
    status_not_started: "not started",
    status_not_compiled: "not compiled",
    status_missing: "missing",
    task_does_not_compile: "task {number} ({slug}) does not compile:",
    task_tests_pass: "task {number} ({slug}): {passed} of {total} tests pass",
    test_failed: "failed",
    test_timed_out: "timed out",
    test_not_compiled: "does not compile",
    test_not_started: "not started",
    failure_line: "✗ {name} ({what}, {points} points)",
    idea: "the idea: {about}",
    statement: "in the task's README.md: {tags}",
    at: "at {location}",
    it_printed: "it printed:",
    output_cut: "[... {count} more characters not shown]",
    and_more: "(and {count} more; --verbose shows them all)",
    next_todo: "next: task {number} — {place} is still todo!(): {todo}",
    next_compile: "next: task {number} — make {file} compile (the compiler's first error is above)",
    next_fix: "next: task {number} — fix the failing test above, in {file}",
    next_missing: "next: task {number} — the submission has no {file}",
    ignored_files: "task {number}: not graded, only source files under src/ are taken from a submission: {files}",
    hint_line: "hint: {hint}",
    all_graded_pass: "every graded task passes",
    sandbox_missing: "sandbox: not in force here: {missing} (README, \"The sandbox\")",
    bonus: "(bonus {bonus}/{max})",
    finale: "Every task passes. The lecture's fifth and last task: go see Sasha.",
    edition_complete: "Every test of this edition passes.",
    graded_later: "This is the student edition: {tests} more tests ({points} points) are graded when you hand your work in.",
    verdict_timed_out: "did not finish within {limit}: an endless loop, a future that never completes, \
                        a deadlock, or a blocking call inside async code?",
    verdict_crashed: "{ending} before the test finished: code that exits or aborts the process ends the test with it",
    verdict_skipped: "not run: the task's tests had used up their {limit} already",
    verdict_does_not_compile: "does not compile",
    verdict_missing: "not handed in: the submission has no folder {dir}",
    ending_exited: "the process exited with status {code}",
    ending_aborted: "the process aborted (SIGABRT)",
    ending_killed: "the process was killed (SIGKILL)",
    ending_segfault: "the process crashed (SIGSEGV)",
    ending_file_too_large: "the process wrote a file larger than the {limit} a test may write (SIGXFSZ)",
    verdict_out_of_memory: "ran out of memory: a test may use {limit}. A collection that grows without end, \
                            or a buffer sized by a number that is far too large?",
    ending_signal: "the process was killed by signal {signal}",
    ending_timed_out: "it ran past its time limit",
    hint_header: "Task {number}, hint {shown} of {total}:",
    hint_last: "That was the last hint for task {number}; the task statement is in {readme}.",
    solution_locked: "Task {number} does not pass yet ({status}): its reference solution opens once it does. \
                      Stuck? `cargo run -p checker -- hint {number}`.",
    solution_not_in_edition: "This is the student edition: the reference solutions are not in it. Your instructor shares them after the deadline; `cargo run -p checker -- hint {number}` helps until then.",
    solution_header: "Task {number} passes. The reference solution, {file}:",
    reset_confirm: "Put the original stub back in {file}? Your version is kept as {backup}. [y/N] ",
    reset_done: "{file} is the original stub again; your version is in {backup}.",
    reset_restored: "{file} was missing; it is the original stub again.",
    reset_confirm_missing: "{file} is missing. Put the original stub back? [y/N] ",
    reset_cancelled: "Nothing changed.",
    reset_needs_yes: "No terminal to ask on: run with --yes to reset {file}.",
    reset_unchanged: "{file} is already the original stub; nothing to reset.",
    watch_ready: "watching {dir}: save a file to re-grade its task. Keys (then Enter): h hint, n next task, \
                  r re-grade all, q quit",
    watch_changed: "{file} changed: grading task {number}…",
    watch_focus: "now: task {number} ({slug}), {status} — {file}",
    watch_unknown_key: "keys: h hint, n next task, r re-grade all, q quit",
    watch_bye: "bye",
};

pub const RU: Text = Text {
    column_task: "задача",
    column_tests: "тесты",
    column_points: "баллы",
    column_status: "статус",
    status_passed: "решена",
    status_failing: "есть ошибки",
    status_not_started: "не начата",
    status_not_compiled: "не компилируется",
    status_missing: "не сдана",
    task_does_not_compile: "задача {number} ({slug}) не компилируется:",
    task_tests_pass: "задача {number} ({slug}): проходит {passed} из {total} тестов",
    test_failed: "не прошёл",
    test_timed_out: "превысил время",
    test_not_compiled: "не компилируется",
    test_not_started: "не начат",
    failure_line: "✗ {name} ({what}, баллов: {points})",
    idea: "в чём идея: {about}",
    statement: "в README.md задачи: {tags}",
    at: "место: {location}",
    it_printed: "что тест напечатал:",
    output_cut: "[... ещё {count} символов не показано]",
    and_more: "(и ещё {count}; все покажет --verbose)",
    next_todo: "дальше: задача {number} — в {place} всё ещё todo!(): {todo}",
    next_compile: "дальше: задача {number} — добейтесь, чтобы {file} компилировался (первая ошибка компилятора выше)",
    next_fix: "дальше: задача {number} — исправьте упавший тест выше, в {file}",
    next_missing: "дальше: задача {number} — в работе нет {file}",
    ignored_files: "задача {number}: не проверялось, из работы берутся только исходники в src/: {files}",
    hint_line: "подсказка: {hint}",
    all_graded_pass: "все проверенные задачи решены",
    sandbox_missing: "песочница: здесь не действует защита: {missing} (README, «The sandbox»)",
    bonus: "(бонус {bonus}/{max})",
    finale: "Все задачи решены. Пятое и последнее задание лекции: сходите к Саше.",
    edition_complete: "Все тесты этой версии проходят.",
    graded_later: "Это версия для студентов: ещё {tests} тестов ({points} баллов) проверят, когда вы сдадите работу.",
    verdict_timed_out: "не закончился за {limit}: бесконечный цикл, future, который никогда не завершится, \
                        взаимная блокировка или блокирующий вызов внутри async-кода?",
    verdict_crashed: "{ending} до конца теста: код, который завершает или обрывает процесс, обрывает и тест",
    verdict_skipped: "не запускался: тесты задачи уже израсходовали свои {limit}",
    verdict_does_not_compile: "не компилируется",
    verdict_missing: "не сдана: в работе нет папки {dir}",
    ending_exited: "процесс завершился с кодом {code}",
    ending_aborted: "процесс аварийно прервался (SIGABRT)",
    ending_killed: "процесс был убит (SIGKILL)",
    ending_segfault: "процесс упал (SIGSEGV)",
    ending_file_too_large: "процесс записал файл больше {limit}, разрешённых тесту (SIGXFSZ)",
    verdict_out_of_memory: "не хватило памяти: тесту можно {limit}. Коллекция, которая растёт без конца, \
                            или буфер, размер которого задан слишком большим числом?",
    ending_signal: "процесс был убит сигналом {signal}",
    ending_timed_out: "он превысил лимит времени",
    hint_header: "Задача {number}, подсказка {shown} из {total}:",
    hint_last: "Это была последняя подсказка к задаче {number}; условие задачи — в {readme}.",
    solution_locked: "Задача {number} пока не решена ({status}): эталонное решение откроется, когда решите. \
                      Застряли? `cargo run -p checker -- hint {number}`.",
    solution_not_in_edition: "Это версия для студентов: эталонных решений в ней нет. Преподаватель покажет их после срока сдачи, а пока поможет `cargo run -p checker -- hint {number}`.",
    solution_header: "Задача {number} решена. Эталонное решение, {file}:",
    reset_confirm: "Вернуть исходную заготовку в {file}? Ваша версия сохранится как {backup}. [y/N] ",
    reset_done: "В {file} снова исходная заготовка; ваша версия — в {backup}.",
    reset_restored: "Файла {file} не было; в нём снова исходная заготовка.",
    reset_confirm_missing: "Файла {file} нет. Вернуть исходную заготовку? [y/N] ",
    reset_cancelled: "Ничего не изменилось.",
    reset_needs_yes: "Нет терминала, чтобы спросить: запустите с --yes, чтобы вернуть заготовку в {file}.",
    reset_unchanged: "В {file} и так исходная заготовка; возвращать нечего.",
    watch_ready: "слежу за {dir}: сохраните файл, и его задача проверится заново. Клавиши (и Enter): \
                  h подсказка, n следующая задача, r проверить всё, q выход",
    watch_changed: "{file} изменился: проверяю задачу {number}…",
    watch_focus: "сейчас: задача {number} ({slug}), {status} — {file}",
    watch_unknown_key: "клавиши: h подсказка, n следующая задача, r проверить всё, q выход",
    watch_bye: "пока",
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `{blank}` in `template`, sorted.
    fn blanks(template: &str) -> Vec<&str> {
        let mut found: Vec<&str> = template
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        found.sort_unstable();
        found
    }

    #[test]
    fn both_languages_use_the_same_blanks_in_every_message() {
        // Debug prints every field as `name: "text"`, in declaration order.
        let fields = |text: &Text| -> Vec<(String, String)> {
            let debug = format!("{text:#?}");
            debug
                .lines()
                .filter_map(|line| line.trim().split_once(": "))
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect()
        };
        let (en, ru) = (fields(&EN), fields(&RU));
        assert_eq!(en.len(), ru.len());
        for ((name, english), (_, russian)) in en.iter().zip(&ru) {
            assert_eq!(blanks(english), blanks(russian), "message {name}");
        }
    }

    #[test]
    fn fill_puts_values_in_their_blanks() {
        assert_eq!(
            fill("task {number}: {slug}", &[("number", &3), ("slug", &"req")]),
            "task 3: req"
        );
    }

    #[test]
    fn the_language_comes_from_the_environment_in_posix_order() {
        let lang = |vars: &[(&str, &str)]| {
            Lang::from_vars(|name| {
                vars.iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| value.to_string())
            })
        };
        assert_eq!(lang(&[]), Lang::En);
        assert_eq!(lang(&[("LANG", "ru_RU.UTF-8")]), Lang::Ru);
        assert_eq!(lang(&[("LANG", "ru_RU.UTF-8"), ("LC_ALL", "C")]), Lang::En);
        assert_eq!(
            lang(&[("LANG", "en_US"), ("LC_MESSAGES", "ru_RU")]),
            Lang::Ru
        );
        assert_eq!(lang(&[("LC_ALL", ""), ("LANG", "ru_RU")]), Lang::Ru);
    }
}
