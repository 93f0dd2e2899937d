"""compose.py: exercises and lessons composed from small typed operations.

curriculum.py lists concepts one family at a time; a model trained on a fixed list of families
can memorise it. This file builds tasks the way a programmer reads them: take some values
(a SOURCE), keep some of them (a TEST), change each one (a MAP), and reduce what is left to an
answer (an AGGREGATE), sometimes with a small algorithm on the way (a STEP), two tests joined
by `and`/`or`, or a CHECK on the answer ("whether the total reaches 30"). Each operation is
one row of the tables below: its code, the words that describe it, the words that name it.
A task's description, function name, signature, docstring, examples and tests all follow from
the rows it drew, so they cannot disagree with each other; the expected values are computed
by running the rendered function, and data_gen.py runs every record again in the sandbox.

Variety comes from the same draw: the code is written as a loop (plain, with a guard clause,
or walking an index), a comprehension, a chain of named steps or `map`/`filter` with lambdas
(tests/test_data_gen.py holds all styles equal); the
docstring is plain, Google, Sphinx or NumPy style; annotations are modern, `typing` or absent
(read-only arguments sometimes `Sequence`/`Mapping`); strings take single or double quotes;
identifiers come from the audience's vocabulary (a cook's `grams`, a coach's `scores`).

Row formats (read the tables, not the engine, to see what the data can say):
  SOURCES     key, argument types, element type, iteration code, noun phrases
  TESTS       key, element type, condition code, phrases ("that {be} even"), name words, parameter
  MAPS        key, element type in -> out, code, phrases ("the squares of {np}"), name words, param
  STEPS       key, element type, code (lines on a list), phrases, name words
  AGGREGATES  key, element type, result, code per style, phrases, name words, empty-case note
              (counting into a dict, grouping by first letter, numbered listings among them)
  CHECKS      comparison, phrases ("whether {X} is at least {K}"), name words
  VOCAB       per audience: nouns for numbers, for texts, and (dictionary, key, value) names
              (read from audiences.py)
In code, {x} is the element, {k} the parameter (a constant or an argument), {a}/{b} the
arguments, {acc} the accumulator, {v} the mapped value.

What it does not cover: classes, recursion, error handling and parsing (the families in
curriculum.py keep those; formatting here is one value at a time: f-strings, `zfill`, `format`,
`center`); tasks longer than one pipeline; prose beyond what the rows' phrases recombine into,
so descriptions of long compositions read mechanically. This
module imports nothing from the project but the audiences.py table (its VOCAB); data_gen.py
passes it the audience (who, context, words) from curriculum.py.
"""
import ast
import builtins
import keyword
import random
import re
import textwrap
from collections import namedtuple

import audiences

# ----------------------------------------------------------------------------
# 1. the operations

Source = namedtuple("Source", "key args elem loop heads wheres skip", defaults=((),))
Test = namedtuple("Test", "key elem code says names param")
Map = namedtuple("Map", "key elem out code says names param")
Step = namedtuple("Step", "key elem loop expr says names")
Agg = namedtuple("Agg", "key elem out loop expr lst says names empty needs")

# Where the values come from. loop: (loop target, iterable); {x} is the element variable.
# skip: tests that are always true or always false on these values (a digit is never negative).
SOURCES = [
    Source("numbers", ["list[int]"], "int", ("{x}", "{a}"),
           ["values", "numbers", "entries", "items"], ["in `{a}`", "of `{a}`", "from `{a}`"]),
    Source("words", ["list[str]"], "word", ("{x}", "{a}"),
           ["words", "strings", "entries", "names"], ["in `{a}`", "of `{a}`", "from `{a}`"]),
    Source("text", ["str"], "word", ("{x}", "{a}.split()"),
           ["words", "space-separated words"], ["in `{a}`", "of the text `{a}`", "of `{a}`"]),
    Source("chars", ["str"], "char", ("{x}", "{a}"),
           ["characters", "letters"], ["in `{a}`", "of `{a}`", "of the string `{a}`"]),
    Source("upto", ["int"], "int", ("{x}", "range(1, {a} + 1)"),
           ["whole numbers", "numbers", "integers"], ["from 1 to `{a}`", "between 1 and `{a}`"],
           ("negative", "positive", "nonzero")),
    Source("digits", ["int"], "int", ("{x}", "map(int, str(abs({a})))"),
           ["digits", "decimal digits"], ["of `{a}`", "of the number `{a}`"],
           ("negative", "positive", "small_abs", "above", "at_least", "multiple", "near")),
    Source("common", ["list[int]", "list[int]"], "int", ("{x}", "sorted(set({a}) & set({b}))"),
           ["distinct values", "shared values"], ["found in both `{a}` and `{b}`",
                                                 "that `{a}` and `{b}` have in common"]),
    Source("only_first", ["list[int]", "list[int]"], "int", ("{x}", "sorted(set({a}) - set({b}))"),
           ["distinct values"], ["in `{a}` but not in `{b}`", "of `{a}` missing from `{b}`"]),
    Source("either", ["list[str]", "list[str]"], "word", ("{x}", "sorted(set({a}) | set({b}))"),
           ["distinct words", "different words"], ["in `{a}` or `{b}` (or both)",
                                                   "appearing in either `{a}` or `{b}`"]),
    Source("csv", ["str"], "word", ("{x}", "{a}.split(\",\")"),
           ["fields", "comma-separated fields", "entries"],
           ["of the line `{a}`", "in `{a}`", "of the CSV row `{a}`"]),
    Source("countdown", ["int"], "int", ("{x}", "range({a}, 0, -1)"),
           ["whole numbers", "numbers"], ["from `{a}` down to 1", "counting down from `{a}`"],
           ("negative", "positive", "nonzero")),
    Source("between", ["int", "int"], "int", ("{x}", "range({a}, {b} + 1)"),
           ["whole numbers", "integers"], ["from `{a}` to `{b}` inclusive",
                                           "between `{a}` and `{b}` (both included)"]),
    Source("head", ["list[int]", "int"], "int", ("{x}", "{a}[:{b}]"),
           ["values", "numbers", "items"], ["among the first `{b}` of `{a}`",
                                            "in the first `{b}` positions of `{a}`"]),
    Source("values_of", ["dict[str, int]"], "int", ("{x}", "{a}.values()"),
           ["values", "counts", "amounts"], ["stored in `{a}`", "of the dictionary `{a}`"]),
    Source("keys_of", ["dict[str, int]"], "word", ("{x}", "{a}"),
           ["keys", "names"], ["of the dictionary `{a}`", "in `{a}`"]),
]

# Tests on one element. says: completes "the values ... that {be} ..." ({be}: is/are).
# param: None, or (kind, low, high) for {k}: an int in [low, high] or a letter.
TESTS = [
    Test("even", "int", "{x} % 2 == 0",
         ["{be} even", "{be} divisible by two", "leave no remainder when halved"],
         ["even", "paired"], None),
    Test("odd", "int", "{x} % 2 == 1", ["{be} odd", "leave a remainder of 1 when halved"],
         ["odd"], None),
    Test("positive", "int", "{x} > 0", ["{be} positive", "{be} above zero", "{be} strictly greater "
                                        "than 0"], ["positive", "plus"], None),
    Test("negative", "int", "{x} < 0", ["{be} negative", "{be} below zero", "{have} a minus sign"],
         ["negative", "minus", "deficit"], None),
    Test("nonzero", "int", "{x} != 0", ["{be} not zero", "{be} nonzero"], ["nonzero"], None),
    Test("above", "int", "{x} > {k}", ["{be} greater than {k}", "{be} above {k}",
                                       "{be} larger than {k}"], ["above_{k}", "over_{k}", "big"],
         ("int", 1, 60)),
    Test("below", "int", "{x} < {k}",
         ["{be} less than {k}", "{be} below {k}", "{be} smaller than {k}"],
         ["below_{k}", "under_{k}", "small"],
         ("int", 0, 50)),
    Test("at_least", "int", "{x} >= {k}", ["{be} at least {k}", "{be} {k} or more"],
         ["at_least_{k}", "min_{k}"], ("int", 2, 40)),
    Test("at_most", "int", "{x} <= {k}", ["{be} at most {k}", "{be} no more than {k}"],
         ["at_most_{k}", "capped"], ("int", 0, 30)),
    Test("multiple", "int", "{x} % {k} == 0", ["{be} divisible by {k}", "{be} multiples of {k}"],
         ["multiple_of_{k}", "divisible"], ("int", 3, 12)),
    Test("not_multiple", "int", "{x} % {k} != 0", ["{be} not divisible by {k}"],
         ["not_multiple_of_{k}", "indivisible"], ("int", 2, 9)),
    Test("ends_in", "int", "abs({x}) % 10 == {k}", ["end in the digit {k}",
                                                    "{have} {k} as the last digit"],
         ["ending_in_{k}"], ("int", 0, 9)),
    Test("small_abs", "int", "-10 < {x} < 10", ["{be} single-digit", "{be} between -9 and 9"],
         ["single_digit", "tiny"], None),
    Test("prime", "int", "{x} > 1 and all({x} % divisor for divisor in range(2, int({x} ** 0.5) + 1))",
         ["{be} prime", "{be} prime numbers", "{have} no divisors other than 1 and themselves"],
         ["prime", "primes"], None),
    Test("perfect_square", "int", "{x} >= 0 and math.isqrt({x}) ** 2 == {x}",
         ["{be} perfect squares", "{be} square numbers"], ["perfect_square", "square"], None),
    Test("power_two", "int", "{x} > 0 and {x} & ({x} - 1) == 0",
         ["{be} powers of two", "{have} exactly one bit set"], ["power_of_two", "pow2"], None),
    Test("near", "int", "abs({x} - {k}) <= 5", ["{be} within 5 of {k}", "{be} no further than 5 "
                                                "from {k}"], ["near_{k}", "close_to_{k}"],
         ("int", 0, 60)),
    Test("long", "word", "len({x}) > {k}", ["{be} longer than {k} characters",
                                           "{have} more than {k} letters"],
         ["long", "longer_than_{k}"], ("int", 2, 7)),
    Test("short", "word", "len({x}) <= {k}", ["{be} at most {k} characters long",
                                             "{have} {k} letters or fewer"],
         ["short", "brief"], ("int", 3, 6)),
    Test("starts", "word", "{x}.startswith({k})", ["start with {k}", "begin with the letter {k}"],
         ["starting_with_{k}", "initial_{k}"], ("letter",)),
    Test("ends", "word", "{x}.endswith({k})", ["end with {k}", "finish with the letter {k}"],
         ["ending_with_{k}"], ("letter",)),
    Test("contains", "word", "{k} in {x}", ["contain {k}", "{have} the letter {k} somewhere"],
         ["with_{k}", "containing_{k}"], ("letter",)),
    Test("exact_len", "word", "len({x}) == {k}", ["{be} exactly {k} characters long",
                                                   "{have} exactly {k} letters"],
         ["of_length_{k}", "exactly_{k}"], ("int", 2, 7)),
    Test("double_letter", "word", "any(p == q for p, q in zip({x}, {x}[1:]))",
         ["{have} a doubled letter", "contain the same letter twice in a row"],
         ["double_letter", "doubled"], None),
    Test("lower_word", "word", "{x}.islower()", ["{be} all lower case", "{be} written in small "
                                                 "letters"], ["lowercase", "all_lower"], None),
    Test("isogram", "word", "len(set({x})) == len({x})",
         ["{have} no repeated letter", "use every letter at most once"], ["isogram", "no_repeats"],
         None),
    Test("palindrome", "word", "{x} == {x}[::-1]", ["read the same backwards",
                                                   "{be} palindromes"], ["palindromic", "mirror"],
         None),
    Test("capital", "word", "{x}[:1].isupper()", ["start with a capital letter",
                                                  "{be} capitalised"], ["capitalised", "proper"],
         None),
    Test("vowel_start", "word", "{x}[:1].lower() in \"aeiou\"", ["start with a vowel"],
         ["vowel_initial"], None),
    Test("vowel", "char", "{x}.lower() in \"aeiou\"", ["{be} vowels"], ["vowel"], None),
    Test("consonant", "char", "{x}.isalpha() and {x}.lower() not in \"aeiou\"",
         ["{be} consonants"], ["consonant"], None),
    Test("digit", "char", "{x}.isdigit()", ["{be} digits"], ["digit"], None),
    Test("upper", "char", "{x}.isupper()", ["{be} upper case", "{be} capitals"], ["upper"], None),
    Test("letter", "char", "{x}.isalpha()", ["{be} letters"], ["letter", "alpha"], None),
    Test("not_space", "char", "{x} != \" \"", ["{be} not spaces"], ["non_space", "visible"],
         None),
    Test("symbol", "char", "not {x}.isalnum() and not {x}.isspace()",
         ["{be} punctuation or other symbols"], ["symbol", "punctuation"], None),
    Test("late", "char", "{x}.lower() >= \"n\"", ["come from 'n' onwards in the alphabet"],
         ["late", "second_half"], None),
    Test("early", "char", "{x}.lower() < \"n\"", ["come before 'n' in the alphabet"],
         ["early", "first_half"], None),
]

# Maps on one element; out is the element type afterwards. says: {np} is the noun phrase so far.
MAPS = [
    Map("square", "int", "int", "{x} * {x}", ["the squares of {np}", "{np}, each squared"],
        ["squared", "squares"], None),
    Map("double", "int", "int", "{x} * 2", ["{np}, doubled", "twice each of {np}"],
        ["doubled", "twice"], None),
    Map("scale", "int", "int", "{x} * {k}",
        ["{np}, each multiplied by {k}", "{k} times each of {np}"],
        ["times_{k}", "scaled"], ("int", 3, 12)),
    Map("shift", "int", "int", "{x} + {k}", ["{np}, each plus {k}", "{np}, each increased by {k}"],
        ["plus_{k}", "shifted"], ("int", 1, 25)),
    Map("minus", "int", "int", "{x} - {k}",
        ["{np}, each minus {k}", "{np}, with {k} subtracted from each"],
        ["minus_{k}", "lowered"], ("int", 1, 20)),
    Map("abs", "int", "int", "abs({x})",
        ["the absolute values of {np}", "{np}, without their signs"],
        ["absolute", "magnitudes"], None),
    Map("negate", "int", "int", "-{x}", ["{np}, with their signs flipped", "the negatives of {np}"],
        ["negated", "flipped"], None),
    Map("last_digit", "int", "int", "abs({x}) % 10", ["the last digits of {np}"],
        ["last_digits", "units"], None),
    Map("halve", "int", "int", "{x} // 2", ["{np}, halved (rounding down)", "half of each of {np}"],
        ["halved", "halves"], None),
    Map("cube", "int", "int", "{x} ** 3", ["the cubes of {np}", "{np}, each cubed"],
        ["cubed", "cubes"], None),
    Map("mod", "int", "int", "{x} % {k}", ["the remainders of {np} after division by {k}"],
        ["mod_{k}", "remainders"], ("int", 3, 12)),
    Map("clip", "int", "int", "min({x}, {k})",
        ["{np}, capped at {k}", "{np}, with anything above {k} cut down to {k}"],
        ["capped_{k}", "clipped"],
        ("int", 5, 50)),
    Map("floor0", "int", "int", "{x} if {x} > 0 else 0", ["{np}, with negatives replaced by 0",
                                                         "{np}, negatives counted as 0"],
        ["floored", "nonnegative"], None),
    Map("digit_sum", "int", "int", "sum(int(c) for c in str(abs({x})))",
        ["the digit sums of {np}", "{np}, each replaced by the sum of its digits"],
        ["digit_sums", "cross_sums"], None),
    Map("sign", "int", "int", "({x} > 0) - ({x} < 0)",
        ["the signs of {np} (1, 0 or -1)", "{np}, each turned into -1, 0 or 1 by its sign"],
        ["signs", "signum"], None),
    Map("distance", "int", "int", "abs({x} - {k})",
        ["the distances of {np} from {k}", "how far each of {np} is from {k}"],
        ["distance_to_{k}", "gaps_to_{k}"], ("int", 1, 50)),
    Map("round_down", "int", "int", "{x} // {k} * {k}",
        ["{np}, rounded down to a multiple of {k}", "{np}, each cut down to a multiple of {k}"],
        ["rounded_{k}", "floored_to_{k}"], ("int", 2, 10)),
    Map("label", "int", "word", "f\"#{{{x}}}\"", ["{np}, written as labels such as '#7'",
                                               "{np} as strings with a leading '#'"],
        ["labels", "tags"], None),
    Map("padded", "int", "word", "str({x}).zfill({k})",
        ["{np}, padded with zeros to {k} characters", "{np} as zero-padded strings of width {k}"],
        ["padded", "zero_filled"], ("int", 3, 6)),
    Map("binary", "int", "word", "format({x}, \"b\")", ["{np}, written in binary",
                                                     "the binary digits of {np}"],
        ["binary", "bits"], None),
    Map("money", "int", "word", "f\"{{{x} / 100:.2f}}\"",
        ["{np}, read as cents and written with two decimals",
         "{np} divided by 100 and formatted to two decimal places"],
        ["amounts", "formatted"], None),
    Map("upper", "word", "word", "{x}.upper()", ["{np}, in upper case", "{np}, shouted"],
        ["upper", "shouted"], None),
    Map("title", "word", "word", "{x}.capitalize()",
        ["{np}, capitalised", "{np}, each with a capital first letter"], ["capitalised", "titled"],
        None),
    Map("reverse", "word", "word", "{x}[::-1]", ["{np}, spelled backwards", "{np}, reversed"],
        ["reversed", "backwards"], None),
    Map("first", "word", "char", "{x}[:1]", ["the first letters of {np}", "the initials of {np}"],
        ["initials", "first_letters"], None),
    Map("last", "word", "char", "{x}[-1:]", ["the last letters of {np}"],
        ["last_letters", "finals"],
        None),
    Map("length", "word", "int", "len({x})", ["the lengths of {np}", "how long each of {np} is"],
        ["lengths", "sizes"], None),
    Map("vowels", "word", "int", "sum(1 for c in {x} if c in \"aeiou\")",
        ["the number of vowels in each of {np}"], ["vowel_counts"], None),
    Map("prefix", "word", "word", "{x}[:{k}]", ["the first {k} letters of each of {np}",
                                              "{np} cut to {k} characters"],
        ["prefixes", "truncated"], ("int", 2, 5)),
    Map("suffix", "word", "word", "{x} + {k}", ["{np}, with {k} added to the end"],
        ["suffixed", "tagged"], ("letter",)),
    Map("lower", "word", "word", "{x}.lower()", ["{np}, in lower case", "{np}, all in small letters"],
        ["lower", "lowered"], None),
    Map("no_vowels", "word", "word", "\"\".join(c for c in {x} if c.lower() not in \"aeiou\")",
        ["{np}, with their vowels removed", "{np} stripped of vowels"],
        ["devowelled", "consonants_only"], None),
    Map("bracketed", "word", "word", "\"<\" + {x} + \">\"", ["{np}, each wrapped in angle brackets"],
        ["bracketed", "wrapped"], None),
    Map("with_len", "word", "word", "f\"{{{x}}}:{{len({x})}}\"",
        ["{np}, each followed by a colon and its length", "{np} tagged with their lengths, "
                                                         "as in 'fig:3'"],
        ["with_lengths", "annotated"], None),
    Map("middle", "word", "word", "{x}[1:-1]", ["{np} without their first and last letters",
                                              "the inner parts of {np}"],
        ["middles", "trimmed"], None),
    Map("centred", "word", "word", "{x}.center({k}, \"*\")",
        ["{np}, each centred in a field of {k} characters filled with stars"],
        ["centred", "framed"], ("int", 6, 12)),
    Map("char_lower", "char", "char", "{x}.lower()", ["{np}, in lower case"], ["lower", "small"],
        None),
    Map("char_upper", "char", "char", "{x}.upper()", ["{np}, in upper case"], ["upper", "caps"],
        None),
    Map("swap", "char", "char", "{x}.swapcase()", ["{np}, with their case swapped"],
        ["swapped", "inverted"], None),
    Map("code", "char", "int", "ord({x})",
        ["the character codes of {np}", "the code points of {np}"],
        ["codes", "ordinals"], None),
    Map("twice", "char", "char", "{x} * 2", ["{np}, each written twice"], ["doubled", "stutter"],
        None),
]

# Small algorithms on the whole list of kept values. loop: statements that turn {l} into {o}
# (written as indented blocks, dedented when used); expr: one expression for the same (the
# comprehension and builtin styles use it).
STEPS = [
    Step("running", "int", """
         {o} = []
         {t} = 0
         for {x} in {l}:
             {t} += {x}
             {o}.append({t})
         """, "list(itertools.accumulate({l}))", ["the running totals of {np}"],
         ["running", "cumulative"]),
    Step("diffs", "int", """
         {o} = []
         for i in range(1, len({l})):
             {o}.append({l}[i] - {l}[i - 1])
         """, "[q - p for p, q in zip({l}, {l}[1:])]",
         ["the differences between neighbouring items of {np}",
          "the steps between consecutive items of {np}"], ["steps", "gaps"]),
    Step("dedupe", "any", """
         {o} = []
         for {x} in {l}:
             if {x} not in {o}:
                 {o}.append({x})
         """, "list(dict.fromkeys({l}))", ["{np}, without repeats (first occurrences kept)"],
         ["unique", "distinct"]),
    Step("reverse", "any", """
         {o} = []
         for {x} in {l}:
             {o}.insert(0, {x})
         """, "{l}[::-1]", ["{np}, in reverse order"], ["reversed", "backwards"]),
    Step("pairsum", "int", """
         {o} = []
         for i in range(0, len({l}) - 1, 2):
             {o}.append({l}[i] + {l}[i + 1])
         """, "[{l}[i] + {l}[i + 1] for i in range(0, len({l}) - 1, 2)]",
         ["the sums of {np} taken two at a time (an odd one out is dropped)"], ["pair_sums"]),
    Step("evens_at", "any", """
         {o} = []
         for i in range(len({l})):
             if i % 2 == 0:
                 {o}.append({l}[i])
         """, "{l}[::2]", ["every other item of {np}, starting with the first"],
         ["alternate", "every_other"]),
]
STEPS += [
    Step("running_max", "int", """
         {o} = []
         for {x} in {l}:
             {o}.append({x} if not {o} or {x} > {o}[-1] else {o}[-1])
         """, "list(itertools.accumulate({l}, max))",
         ["the running maximum of {np}", "the largest value seen so far at each position of {np}"],
         ["running_max", "peaks"]),
    Step("pairmax", "int", """
         {o} = []
         for i in range(1, len({l})):
             {o}.append(max({l}[i - 1], {l}[i]))
         """, "[max(p, q) for p, q in zip({l}, {l}[1:])]",
         ["the larger of each neighbouring pair of {np}"], ["pair_max", "neighbour_max"]),
    Step("window3", "int", """
         {o} = []
         for i in range(len({l}) - 2):
             {o}.append({l}[i] + {l}[i + 1] + {l}[i + 2])
         """, "[sum({l}[i:i + 3]) for i in range(len({l}) - 2)]",
         ["the sums of every window of three neighbouring items of {np}",
          "the moving totals over three items of {np}"], ["window_sums", "moving_totals"]),
    Step("by_abs", "int", "{o} = sorted({l}, key=abs)", "sorted({l}, key=abs)",
         ["{np}, ordered by size whatever the sign"], ["by_magnitude", "by_size"]),
    Step("by_length", "word", "{o} = sorted({l}, key=len)", "sorted({l}, key=len)",
         ["{np}, shortest first (ties kept in their original order)"],
         ["by_length", "shortest_first"]),
    Step("by_last", "word", "{o} = sorted({l}, key=lambda w: w[-1:])",
         "sorted({l}, key=lambda w: w[-1:])", ["{np}, ordered by their last letter"],
         ["by_last_letter"]),
    Step("rotate", "any", "{o} = {l}[1:] + {l}[:1]", "{l}[1:] + {l}[:1]",
         ["{np}, rotated left by one place (the first moves to the end)"], ["rotated"]),
]
STEPS = [s._replace(loop=textwrap.dedent(s.loop).strip("\n")) for s in STEPS]

# Reducers. loop: (setup, update, result) with {acc} and {v}; an update that returns ends the
# loop early. expr: over a generator {g} ({gx}: the unmapped one), None when a list is needed.
# lst: over a list {l}. out: result type; "elem" is one element or None, "list" a list of them.
# needs: "sep" draws a separator; "nomap" takes no map (the answer is about the test alone).
AGGS = [
    Agg("sum", "int", "int", ("{acc} = 0", "{acc} += {v}", "{acc}"), "sum({g})", "sum({l})",
        ["the sum of {np}", "the total of {np}", "{np}, added together", "what {np} add up to",
         "the grand total of {np}"], ["sum", "total", "add_up", "summed"],
        "0 when there are none", ""),
    Agg("count", "any", "int", ("{acc} = 0", "{acc} += 1", "{acc}"), "sum(1 {gx})", "len({l})",
        ["how many of {np} there are", "the number of {np}", "the count of {np}",
         "a count of {np}"],
        ["count", "how_many", "number_of"], "0 when there are none", "nomap"),
    Agg("product", "int", "int", ("{acc} = 1", "{acc} *= {v}", "{acc}"), "math.prod({g})",
        "math.prod({l})", ["the product of {np}", "{np}, multiplied together"],
        ["product", "multiplied"], "1 when there are none (the empty product)", ""),
    Agg("max", "int", "elem", ("{acc} = None", "if {acc} is None or {v} > {acc}:\n    {acc} = {v}",
                               "{acc}"), "max(({g}), default=None)", "max({l}, default=None)",
        ["the largest of {np}", "the biggest of {np}", "the maximum of {np}"],
        ["largest", "max", "biggest", "top"], "None when there are none", ""),
    Agg("min", "int", "elem", ("{acc} = None", "if {acc} is None or {v} < {acc}:\n    {acc} = {v}",
                               "{acc}"), "min(({g}), default=None)", "min({l}, default=None)",
        ["the smallest of {np}", "the minimum of {np}", "the lowest of {np}"],
        ["smallest", "min", "lowest"], "None when there are none", ""),
    Agg("mean", "int", "float", ("{acc} = 0\n{n} = 0", "{acc} += {v}\n{n} += 1",
                                 "round({acc} / {n}, 2) if {n} else 0.0"), None,
        "round(sum({l}) / len({l}), 2) if {l} else 0.0",
        ["the average of {np}, rounded to 2 decimals", "the mean of {np} (2 decimal places)"],
        ["average", "mean"], "0.0 when there are none", ""),
    Agg("collect", "any", "list", ("{acc} = []", "{acc}.append({v})", "{acc}"), "[{g}]", "{l}",
        ["a list of {np}", "{np}, in their original order", "{np} as a new list",
         "a fresh list holding {np}", "{np}, kept in input order"],
        ["list", "collect", "gather", "select"], "an empty list when there are none", ""),
    Agg("sorted", "any", "list", ("{acc} = []", "{acc}.append({v})", "sorted({acc})"),
        "sorted({g})", "sorted({l})",
        ["{np}, in ascending order", "{np}, sorted from smallest to largest"],
        ["sorted", "ordered", "ascending"], "an empty list when there are none", ""),
    Agg("sorted_desc", "any", "list", ("{acc} = []", "{acc}.append({v})",
                                       "sorted({acc}, reverse=True)"),
        "sorted(({g}), reverse=True)", "sorted({l}, reverse=True)",
        ["{np}, from largest to smallest", "{np}, in descending order"],
        ["descending", "ranked"], "an empty list when there are none", ""),
    Agg("unique", "any", "list", ("{acc} = set()", "{acc}.add({v})", "sorted({acc})"),
        "sorted({{{g}}})", "sorted(set({l}))",
        ["the distinct values among {np}, sorted", "{np}, without duplicates, in sorted order"],
        ["unique", "distinct"], "an empty list when there are none", ""),
    Agg("n_distinct", "any", "int", ("{acc} = set()", "{acc}.add({v})", "len({acc})"),
        "len({{{g}}})", "len(set({l}))",
        ["how many different values there are among {np}", "the number of distinct values among {np}"],
        ["distinct_count", "variety"], "0 when there are none", ""),
    Agg("first", "any", "elem", ("", "return {v}", "None"), "next(({g}), None)",
        "{l}[0] if {l} else None", ["the first of {np}", "the earliest of {np}"],
        ["first", "earliest"], "None when there is none", ""),
    Agg("last", "any", "elem", ("{acc} = None", "{acc} = {v}", "{acc}"), None,
        "{l}[-1] if {l} else None", ["the last of {np}", "the final one of {np}"],
        ["last", "final", "latest"], "None when there is none", ""),
    Agg("join", "word", "str", ("{acc} = []", "{acc}.append({v})", "{sep}.join({acc})"),
        "{sep}.join({g})", "{sep}.join({l})",
        ["{np}, joined with {sepword}", "{np}, glued together with {sepword}"],
        ["joined", "combined", "line"], "an empty string when there are none", "sep"),
    Agg("concat", "char", "str", ("{acc} = \"\"", "{acc} += {v}", "{acc}"), "\"\".join({g})",
        "\"\".join({l})", ["{np}, as one string", "a string made of {np}"],
        ["string", "spelled", "text"],
        "an empty string when there are none", ""),
    Agg("longest", "word", "str", ("{acc} = \"\"", "if len({v}) > len({acc}):\n    {acc} = {v}",
                                   "{acc}"), "max(({g}), key=len, default=\"\")",
        "max({l}, key=len, default=\"\")",
        ["the longest of {np} (the first one on ties)", "the first longest of {np}"],
        ["longest", "widest"], "an empty string when there are none", ""),
    Agg("tally", "any", "dict", ("{acc} = {{}}", "{acc}[{v}] = {acc}.get({v}, 0) + 1", "{acc}"),
        None, "{{{y}: {l}.count({y}) for {y} in {l}}}",
        ["a dictionary counting each of {np}", "how often each of {np} occurs, as a dictionary"],
        ["tally", "counts", "frequencies", "histogram"], "an empty dictionary when there are none",
        ""),
    Agg("spread", "int", "int", ("{acc} = []", "{acc}.append({v})",
                                 "max({acc}) - min({acc}) if {acc} else 0"),
        None, "max({l}) - min({l}) if {l} else 0",
        ["the spread (largest minus smallest) of {np}", "the distance between the extremes of {np}"],
        ["spread", "value_range"], "0 when there are none", ""),
    Agg("second", "int", "elem", ("{acc} = set()", "{acc}.add({v})",
                                  "sorted({acc})[-2] if len({acc}) > 1 else None"),
        None, "sorted(set({l}))[-2] if len(set({l})) > 1 else None",
        ["the second largest distinct value of {np}", "the runner-up among {np}"],
        ["second_largest", "runner_up"], "None when there are fewer than two different values", ""),
    Agg("shortest", "word", "str", ("{acc} = None", "if {acc} is None or len({v}) < len({acc}):\n"
                                                    "    {acc} = {v}", "{acc} or \"\""),
        "min(({g}), key=len, default=\"\")", "min({l}, key=len, default=\"\")",
        ["the shortest of {np} (the first one on ties)", "the first shortest of {np}"],
        ["shortest", "briefest"], "an empty string when there are none", ""),
    Agg("groups", "word", "groups", ("{acc} = {{}}", "{acc}.setdefault({v}[:1], []).append({v})",
                                     "{acc}"),
        None, "{{{y}[:1]: [w for w in {l} if w[:1] == {y}[:1]] for {y} in {l}}}",
        ["{np}, grouped by first letter in a dictionary", "a dictionary that maps each first "
                                                           "letter to {np} starting with it"],
        ["grouped", "by_initial", "index"], "an empty dictionary when there are none", ""),
    Agg("numbered", "word", "str", ("{acc} = []", "{acc}.append(str(len({acc}) + 1) + \". \" + {v})",
                                    "\"; \".join({acc})"),
        None, "\"; \".join(str(i) + \". \" + w for i, w in enumerate({l}, 1))",
        ["{np} as a numbered list ('1. ...; 2. ...')", "a numbered listing of {np}, separated "
                                                      "by semicolons"],
        ["numbered", "enumerated", "listing"], "an empty string when there are none", ""),
    Agg("any", "any", "bool", ("", "return True", "False"), "any(True {gx})", "len({l}) > 0",
        ["whether any of {np} exist", "True if at least one of {np} exists"],
        ["has", "any", "contains"], "False when there are none", "nomap"),
]

# More wordings for the rows above, by key, added to their `says` (and a source's `heads`):
# the same operation said the ways people say it.
MORE_SAYS = {"tests": {
    "even": ["{be} multiples of 2", "{have} an even value", "split evenly into two"],
    "odd": ["{be} not even", "{be} odd numbers", "cannot be split evenly in two"],
    "positive": ["{be} greater than zero", "{be} more than 0", "{have} a positive value"],
    "negative": ["{be} less than zero", "{be} under 0", "{be} negative numbers"],
    "nonzero": ["{be} anything but 0", "{be} different from zero"],
    "above": ["{be} bigger than {k}", "{be} strictly over {k}", "exceed {k}"],
    "below": ["{be} under {k}", "{be} strictly less than {k}", "fall short of {k}"],
    "at_least": ["{be} no less than {k}", "reach {k}", "{be} not below {k}"],
    "at_most": ["{be} not above {k}", "do not exceed {k}", "{be} {k} or less"],
    "multiple": ["{be} evenly divisible by {k}", "leave no remainder when divided by {k}"],
    "not_multiple": ["leave a remainder when divided by {k}", "{be} not multiples of {k}"],
    "ends_in": ["{have} a last digit of {k}", "finish with the digit {k}"],
    "small_abs": ["{have} a single digit", "{be} strictly between -10 and 10"],
    "prime": ["{be} primes", "can only be divided by 1 and themselves"],
    "near": ["{be} at most 5 away from {k}", "lie within 5 of {k}"],
    "long": ["{be} more than {k} characters long", "{have} a length above {k}"],
    "short": ["{have} no more than {k} characters", "{be} {k} characters long or shorter"],
    "starts": ["{have} {k} as their first letter", "{be} spelled starting with {k}"],
    "ends": ["{have} {k} as their last letter", "{be} spelled ending with {k}"],
    "contains": ["include {k}", "{have} {k} in them", "use the letter {k}"],
    "exact_len": ["{have} a length of exactly {k}", "{be} {k} letters long"],
    "palindrome": ["{be} the same read in either direction", "{be} spelled the same reversed"],
    "capital": ["begin with an upper-case letter", "{have} an upper-case first letter"],
    "vowel_start": ["begin with a vowel", "{have} a vowel as their first letter"],
    "vowel": ["{be} one of a, e, i, o, u", "{be} vowel letters"],
    "consonant": ["{be} letters other than vowels"],
    "digit": ["{be} the digits 0 to 9", "{be} numerals"],
    "upper": ["{be} capital letters", "{be} in upper case"],
    "letter": ["{be} alphabetic", "{be} letters of the alphabet"],
}, "maps": {
    "square": ["{np}, squared", "each of {np} times itself", "{np}, raised to the power 2"],
    "double": ["{np}, times two", "{np}, each multiplied by 2", "double each of {np}"],
    "scale": ["{np}, scaled by {k}", "{np} times {k}"],
    "shift": ["{np}, with {k} added to each", "{np}, raised by {k}"],
    "minus": ["{np}, each lowered by {k}", "{np}, less {k} each"],
    "abs": ["the magnitudes of {np}", "{np}, made non-negative"],
    "negate": ["{np}, negated", "minus each of {np}"],
    "cube": ["{np}, raised to the third power", "{np}, to the power 3"],
    "halve": ["{np}, divided by two and rounded down", "{np} floor-divided by 2"],
    "length": ["the length of each of {np}", "the character counts of {np}"],
    "upper": ["{np}, in capitals", "{np}, converted to upper case"],
    "reverse": ["{np}, written back to front", "each of {np}, reversed"],
    "first": ["the opening letters of {np}", "the first character of each of {np}"],
}, "aggs": {
    "sum": ["the total over {np}", "the sum over {np}", "{np}, summed up"],
    "count": ["the total number of {np}", "the tally of {np}", "the number of items among {np}"],
    "max": ["the highest of {np}", "the top value among {np}", "the greatest of {np}"],
    "min": ["the least of {np}", "the lowest value among {np}", "the minimum among {np}"],
    "collect": ["the list of {np}", "{np}, collected into a list", "all of {np}, as a list"],
    "sorted": ["{np}, sorted", "{np}, smallest first", "{np}, in increasing order"],
    "sorted_desc": ["{np}, largest first", "{np}, sorted high to low"],
    "first": ["the first one of {np}", "the earliest one among {np}"],
    "tally": ["a count of how often each of {np} appears", "the frequency of each of {np}"],
}}
MORE_HEADS = {
    "numbers": ["integers", "list items"], "words": ["list entries", "string items"],
    "text": ["individual words", "words of text"], "chars": ["individual characters", "symbols"],
    "upto": ["counting numbers", "values"], "digits": ["individual digits"],
    "csv": ["values", "cells", "columns"], "values_of": ["stored numbers", "entries"],
    "keys_of": ["key names", "labels"], "head": ["leading values", "entries"],
}
# More name words, by key, for function names ('div_by_3' beside 'multiple_of_3').
MORE_NAMES = {"tests": {
    "even": ["evens", "even_valued"], "odd": ["odds", "odd_valued", "uneven"],
    "positive": ["pos", "above_zero", "gains"], "negative": ["neg", "below_zero", "losses"],
    "nonzero": ["non_zero", "not_zero"], "above": ["gt_{k}", "more_than_{k}", "large"],
    "below": ["lt_{k}", "less_than_{k}", "low"], "at_least": ["ge_{k}", "from_{k}"],
    "at_most": ["le_{k}", "up_to_{k}"], "multiple": ["div_by_{k}", "divisible_by_{k}", "mult_{k}"],
    "not_multiple": ["not_div_by_{k}", "indivisible_{k}"],
    "ends_in": ["last_digit_{k}", "tail_{k}"],
    "small_abs": ["one_digit", "small"], "prime": ["prime_valued", "is_prime"],
    "near": ["around_{k}", "within_5_of_{k}"], "long": ["lengthy", "wordy", "big"],
    "short": ["small", "compact"], "starts": ["from_{k}", "beginning_{k}", "prefixed_{k}"],
    "ends": ["ends_{k}", "suffixed_{k}"], "contains": ["having_{k}", "has_{k}"],
    "palindrome": ["palindromes", "symmetric"], "capital": ["titlecase", "upper_initial"],
    "vowel_start": ["vowel_first", "starting_vowel", "vowel_initial"], "vowel": ["vowels", "aeiou"],
    "consonant": ["consonants"], "digit": ["numeric", "digits"], "letter": ["letters"]},
    "maps": {
    "square": ["sq", "squared_values"], "double": ["x2", "doubles"], "scale": ["by_{k}"],
    "shift": ["up_{k}", "offset_{k}"], "minus": ["less_{k}", "down_{k}"], "abs": ["abs", "unsigned"],
    "negate": ["negatives", "sign_flipped"], "length": ["lens", "word_lengths"],
    "upper": ["caps", "uppercased"], "reverse": ["mirrored", "flipped"],
    "first": ["first_chars", "heads"], "cube": ["cube", "third_powers"]},
    "aggs": {
    "sum": ["sum_of", "total_of", "tot"], "count": ["count_of", "num", "n", "tally_of"],
    "max": ["max_of", "highest", "peak"], "min": ["min_of", "least", "bottom"],
    "collect": ["pick", "filter", "keep", "extract"], "sorted": ["sort", "sorted_list"],
    "unique": ["dedup", "uniq", "set_of"], "first": ["first_of", "find_first"],
    "last": ["last_of", "final_one"], "join": ["join", "glue"], "mean": ["avg", "mean_of"],
    "tally": ["count_each", "freq"], "any": ["any_of", "exists", "has_any"]}}
TESTS = [t._replace(says=t.says + MORE_SAYS["tests"].get(t.key, []),
                    names=t.names + MORE_NAMES["tests"].get(t.key, [])) for t in TESTS]
MAPS = [m._replace(says=m.says + MORE_SAYS["maps"].get(m.key, []),
                   names=m.names + MORE_NAMES["maps"].get(m.key, [])) for m in MAPS]
AGGS = [g._replace(says=g.says + MORE_SAYS["aggs"].get(g.key, []),
                   names=g.names + MORE_NAMES["aggs"].get(g.key, [])) for g in AGGS]
SOURCES = [s._replace(heads=s.heads + MORE_HEADS.get(s.key, [])) for s in SOURCES]

# Conditions on the answer: the function returns whether the aggregate compares to {K}.
# Only for aggregates with a number as answer; K is drawn from the range given per aggregate.
Check = namedtuple("Check", "op says names")
CHECKS = [
    Check(">=", ["whether {X} is at least {K}", "True when {X} reaches {K}"],
          ["reaches_{K}", "at_least_{K}"]),
    Check(">", ["whether {X} is more than {K}", "True if {X} exceeds {K}"],
          ["exceeds_{K}", "over_{K}"]),
    Check("==", ["whether {X} equals {K}", "True exactly when {X} is {K}"],
          ["is_{K}", "equals_{K}"]),
    Check("<", ["whether {X} stays below {K}", "True while {X} is less than {K}"],
          ["under_{K}", "below_{K}"]),
]
CHECK_RANGES = {"sum": (0, 90), "count": (0, 5), "n_distinct": (1, 5), "product": (0, 200),
                "mean": (0, 30), "spread": (0, 40)}
JOINERS = [("and", "and"), ("or", "or")]

# Other ways to write the same test, map or source, by key: each form computes exactly what the
# row's own code does (on the inputs these tasks see), and one is drawn per task, the row's code
# among them. {x}, {k}, {a}, {b} as in the rows.
FORMS = {
    "even": ["not {x} % 2", "{x} % 2 != 1"],
    "odd": ["{x} % 2 != 0", "{x} % 2 > 0"],
    "positive": ["0 < {x}"],
    "negative": ["0 > {x}"],
    "above": ["{k} < {x}"],
    "below": ["{k} > {x}"],
    "at_least": ["not {x} < {k}", "{k} <= {x}"],
    "at_most": ["{k} >= {x}", "not {x} > {k}"],
    "multiple": ["not {x} % {k}"],
    "not_multiple": ["{x} % {k} > 0"],
    "small_abs": ["abs({x}) < 10", "abs({x}) <= 9"],
    "prime": ["{x} > 1 and not any({x} % factor == 0 for factor in range(2, math.isqrt({x}) + 1))",
              "{x} >= 2 and all({x} % div for div in range(2, int({x} ** 0.5) + 1))"],
    "power_two": ["{x} > 0 and bin({x}).count(\"1\") == 1"],
    "near": ["{k} - 5 <= {x} <= {k} + 5", "-5 <= {x} - {k} <= 5"],
    "long": ["{k} < len({x})"],
    "short": ["not len({x}) > {k}"],
    "contains": ["{x}.find({k}) >= 0", "{x}.count({k}) > 0"],
    "double_letter": ["any({x}[i] == {x}[i + 1] for i in range(len({x}) - 1))"],
    "palindrome": ["{x} == \"\".join(reversed({x}))", "{x}[::-1] == {x}"],
    "vowel": ["{x} in \"aeiouAEIOU\""],
    "consonant": ["{x}.isalpha() and {x} not in \"aeiouAEIOU\""],
    "digit": ["{x} in \"0123456789\""],
    "late": ["\"n\" <= {x}.lower()"],
    "early": ["\"n\" > {x}.lower()"],
    "isogram": ["len({x}) == len(set({x}))"],
    "square": ["{x} ** 2"],
    "double": ["2 * {x}", "{x} + {x}"],
    "scale": ["{k} * {x}"],
    "shift": ["{k} + {x}"],
    "abs": ["{x} if {x} >= 0 else -{x}", "max({x}, -{x})"],
    "negate": ["-1 * {x}", "0 - {x}"],
    "last_digit": ["int(str({x})[-1])"],
    "cube": ["{x} * {x} * {x}", "pow({x}, 3)"],
    "clip": ["min({k}, {x})", "{x} if {x} < {k} else {k}"],
    "floor0": ["max({x}, 0)", "max(0, {x})"],
    "digit_sum": ["sum(map(int, str(abs({x}))))"],
    "sign": ["1 if {x} > 0 else -1 if {x} < 0 else 0"],
    "distance": ["abs({k} - {x})"],
    "round_down": ["{x} - {x} % {k}"],
    "label": ["\"#\" + str({x})", "\"#{{}}\".format({x})"],
    "binary": ["f\"{{{x}:b}}\""],
    "money": ["format({x} / 100, \".2f\")", "\"%.2f\" % ({x} / 100)"],
    "reverse": ["\"\".join(reversed({x}))"],
    "vowels": ["sum(c in \"aeiou\" for c in {x})", "len([c for c in {x} if c in \"aeiou\"])"],
    "no_vowels": ["\"\".join(c for c in {x} if c not in \"aeiouAEIOU\")"],
    "bracketed": ["f\"<{{{x}}}>\"", "\"<{{}}>\".format({x})"],
    "with_len": ["{x} + \":\" + str(len({x}))"],
    "twice": ["{x} + {x}", "2 * {x}"],
    "countdown": ["reversed(range(1, {a} + 1))"],
    "common": ["sorted(set({a}).intersection({b}))"],
    "only_first": ["sorted(set({a}).difference({b}))"],
    "either": ["sorted(set({a}).union({b}))"],
    "csv": ["{a}.split(',')"],
    "keys_of": ["{a}.keys()"],
}

# ----------------------------------------------------------------------------
# 2. vocabulary: who the task is for decides the names of its values

# Per audience, keyed by its `who` (the first field of curriculum.AUDIENCES): (plural, singular)
# nouns for numbers, for texts, and (dictionary, key, value) names for a mapping; the table is
# audiences.py (VOCAB, below). Audiences not listed use GENERIC.
GENERIC = ([("values", "value"), ("numbers", "number"), ("nums", "n"), ("data", "item")],
           [("words", "word"), ("strings", "s"), ("items", "item"), ("labels", "label")],
           [("counts", "key", "count"), ("table", "name", "amount")])
# Plain names any audience may use, drawn alongside its own.
NEUTRAL = ([("amounts", "amount"), ("readings", "reading"), ("measurements", "m"),
            ("entries", "entry"), ("xs", "x"), ("vals", "val"), ("weights", "w"), ("sizes", "size"),
            ("offsets", "offset"), ("ids", "ident"), ("levels", "level"), ("ticks", "tick"),
            ("results", "res"), ("inputs", "inp"), ("sequence", "term"), ("series", "point")],
           [("names", "name"), ("tags", "tag"), ("keys", "key"), ("tokens", "tok"),
            ("entries", "entry"), ("lines", "line"), ("codes", "code"), ("titles", "title"),
            ("choices", "choice"), ("terms", "term"), ("keywords", "kw"), ("phrases", "phrase")])
VOCAB = {a.who: (a.numbers, a.texts, a.dicts) for a in audiences.AUDIENCES}
# Values in examples mostly use the audience's own words, with a few from everyone else's nouns.
OTHER_WORDS = sorted({w for _, texts, _ in VOCAB.values() for pair in texts for w in pair
                      if w.isalpha()})
LIMIT_NAMES = {"int": ["limit", "threshold", "cutoff", "k", "n", "bound"],
               "letter": ["letter", "ch", "initial", "char"]}
ACC_NAMES = {"int": ["total", "result", "acc", "running"],
             "list": ["result", "out", "kept", "picked"],
             "other": ["best", "answer", "found", "result"]}
# Helper names made from the task's words ({a}: the argument, {x}: one element, {t}/{m}/{s}: a
# name word of the test, map or step): accumulators by aggregate, kept lists by what made them.
ACC_OWN = {"sum": ["{x}_total", "total_{x}", "{x}_sum", "sum_of_{a}"],
           "count": ["n_{a}", "{a}_count", "num_{t}", "{t}_count"],
           "product": ["{x}_product", "prod"], "mean": ["{x}_total", "sum_{a}"],
           "max": ["largest_{x}", "max_{x}", "top_{x}", "highest"],
           "min": ["smallest_{x}", "min_{x}", "lowest_{x}", "least"],
           "collect": ["{t}_{a}", "{m}_{a}", "new_{a}", "{a}_out"],
           "sorted": ["{t}_{a}", "{m}_{a}", "to_sort", "unsorted"],
           "sorted_desc": ["{t}_{a}", "{m}_{a}", "ranking"],
           "unique": ["seen", "distinct_{a}", "seen_{x}s", "{t}_set"],
           "n_distinct": ["seen", "distinct_{a}", "different"],
           "last": ["last_{x}", "latest", "last_seen"], "join": ["pieces", "parts", "{x}_parts"],
           "concat": ["out_text", "built", "letters"], "longest": ["longest_{x}", "longest_so_far"],
           "shortest": ["shortest_{x}", "shortest_so_far"],
           "tally": ["{x}_counts", "freq", "counter", "how_often"],
           "spread": ["{t}_{a}", "{m}_{a}", "seen_{a}"], "second": ["distinct_{a}", "seen"],
           "groups": ["by_initial", "{a}_by_letter", "groups"],
           "numbered": ["lines", "numbered_{a}", "rows"]}
KEPT_OWN = {"plain": ["all_{a}", "{a}_copy", "{a}_list"],
            "test": ["{t}_{a}", "{t}_ones", "{t}_only", "{a}_{t}"],
            "map": ["{m}_{a}", "{m}_values", "{a}_{m}", "{m}"]}
SEPARATORS = [(" ", "single spaces"), (", ", "commas"), ("-", "hyphens"),
              ("", "nothing between them"),
              ("/", "slashes")]

# ----------------------------------------------------------------------------
# 3. drawing a task

Task = namedtuple("Task", "source test map step agg k kname sep param check")


def compatible(elem, want):
    return want == "any" or want == elem


ORDERED = {"collect", "first", "last", "join", "concat", "numbered"}
STEP_ONLY_WITH = {"reverse": {"collect", "last", "join", "concat"},
                  "by_abs": ORDERED, "by_length": ORDERED, "by_last": ORDERED, "rotate": ORDERED,
                  "dedupe": {"collect", "join", "concat", "sum", "mean", "last"}}


# Sources that count up to their argument, and the operations whose work (or output) grows with
# the square of the length: behaviour probes call functions with arguments up to 1234, and a
# call near its CPU limit would time out on some runs and not on others.
RANGES = {"upto", "countdown", "between"}
SLOW_ON_RANGES = {"tally", "groups", "numbered", "dedupe"}
ENDS = {"min", "max", "first", "last"}  # of a bare range: its end, a question not worth asking


def draw_task(r, words):
    """Pick a source, an optional test, map and step, and an aggregate whose types fit. At most
    one operation takes a parameter, so names and descriptions stay clear."""
    src = r.choice(SOURCES)
    src = src._replace(loop=(src.loop[0], form(r, src.key, src.loop[1])))
    elem = src.elem
    tests = [t._replace(code=form(r, t.key, t.code))
             for t in TESTS if t.elem == elem and t.key not in src.skip]
    test = r.choice(tests) if r.random() < 0.9 else None
    if test and r.random() < 0.3:  # two tests joined by `and` / `or`
        others = [t for t in tests if t.key != test.key and not (t.param and test.param)]
        if others:
            test = combine(test, r.choice(others), *r.choice(JOINERS))
    mp = None
    if r.random() < 0.65:
        maps = [m for m in MAPS if m.elem == elem and not (test and test.param and m.param)]
        mp = r.choice(maps)
        mp = mp._replace(code=form(r, mp.key, mp.code))
    out = mp.out if mp else elem
    aggs = [a for a in AGGS if compatible(out, a.elem) and not (mp and "nomap" in a.needs)
            and not (a.key == "any" and test is None)
            and not (src.key in RANGES and a.key in SLOW_ON_RANGES)
            and not (src.key in RANGES and not test and not mp and a.key in ENDS)]
    agg = r.choice(aggs)
    step = None
    if r.random() < 0.2:  # an order-only step is drawn only for an aggregate that sees order
        steps = [s for s in STEPS if compatible(out, s.elem)
                 and not (src.key in RANGES and s.key in SLOW_ON_RANGES)
                 and (s.key not in STEP_ONLY_WITH or agg.key in STEP_ONLY_WITH[s.key])]
        step = r.choice(steps) if steps and agg.key not in ("any", "first", "count") else None
    param = (test.param if test and test.param else None) or (mp.param if mp else None)
    k = kname = None
    if param:
        k = r.randint(param[1], param[2]) if param[0] == "int" \
            else repr(pick_letter(r, words, test))
        kname = r.choice(LIMIT_NAMES[param[0]]) if r.random() < 0.35 else None
    sep = r.choice(SEPARATORS) if "sep" in agg.needs else None
    check = None
    if agg.key in CHECK_RANGES and r.random() < 0.2:
        usable = [c for c in CHECKS if c.op != "==" or agg.key in ("count", "n_distinct")]
        check = (r.choice(usable), r.randint(*CHECK_RANGES[agg.key]))
    return Task(src, test, mp, step, agg, k, kname, sep, param, check)


def form(r, key, code):
    """The row's own code or one of its other FORMS."""
    return r.choice([code] + FORMS[key]) if key in FORMS else code


def combine(t1, t2, code_word, say_word):
    """One test made of two: `x % 2 == 0 and x > 10`, 'that are even and greater than 10'."""
    first, second = (t2, t1) if t2.param else (t1, t2)  # the parametrised one reads better last
    return Test(f"{first.key}+{code_word}+{second.key}", first.elem,
                f"{first.code} {code_word} {second.code}",
                [f"{a} {say_word} {b}" for a in first.says[:2] for b in second.says[:2]],
                [f"{a}_{code_word}_{b}" for a in first.names[:1] for b in second.names[:2]],
                first.param or second.param)


def pick_letter(r, words, test):
    """A letter that the audience's words really start with, end with or contain."""
    w = r.choice(words)
    return w[0] if test and test.key == "starts" else w[-1] if test and test.key == "ends" \
        else r.choice(w)


def result_type(task, typing_style):
    if task.check:
        return "bool"
    out_elem = task.map.out if task.map else task.source.elem
    base = {"int": "int", "word": "str", "char": "str"}[out_elem]
    t = {"int": "int", "float": "float", "bool": "bool", "str": "str", "list": f"list[{base}]",
         "dict": f"dict[{base}, int]", "elem": f"{base} | None",
         "groups": f"dict[str, list[{base}]]"}[task.agg.out]
    return restyle_type(t, typing_style)


def restyle_type(t, typing_style):
    if typing_style == "typing":
        t = re.sub(r"\blist\[", "List[", t)
        t = re.sub(r"\bdict\[", "Dict[", t)
        if t.endswith(" | None"):
            t = f"Optional[{t[:-7]}]"
    return t

# ----------------------------------------------------------------------------
# 4. rendering the code in one of several styles

STYLES = ["loop", "comprehension", "steps", "builtin"]


def render_body(task, names, style):
    """(body without indentation, style really used) for `task`: `style` when the task allows it.
    A check on the answer turns the last `return X` into `return X >= K` (or another comparison)."""
    body, used = render_pipeline(task, names, style)
    if task.check:
        lines = body.split("\n")
        expr = lines[-1][len("return "):]
        if " if " in expr:  # a conditional expression binds looser than a comparison
            expr = f"({expr})"
        lines[-1] = f"return {expr} {task.check[0].op} {task.check[1]}"
        body = "\n".join(lines)
    return body, used


def render_pipeline(task, names, style):
    """render_body without the check."""
    x, k = names["x"], names["k"]
    test, mp, step, agg = task.test, task.map, task.step, task.agg
    it = task.source.loop[1].format(a=names["a"], b=names.get("b"))
    cond = test.code.format(x=x, k=k) if test else None
    val = mp.code.format(x=x, k=k) if mp else x
    acc, y, kept = names["acc"], names["y"], names["kept"]
    sep = repr(task.sep[0]) if task.sep else None

    def over(lst):  # the aggregate over a list (or any iterable the form accepts)
        return agg.lst.format(l=lst, y=y, sep=sep)

    if style == "builtin" and (mp or test) and not step and agg.key in BUILTIN_OK:
        chain = it
        if cond:
            chain = f"filter(lambda {x}: {cond}, {chain})"
        if mp:
            chain = f"map(lambda {x}: {val}, {chain})"
        special = {"collect": f"list({chain})", "count": f"len(list({chain}))",
                   "first": f"next({chain}, None)"}
        return "return " + special.get(agg.key, over(chain)), "builtin"
    gen = f"{val} for {x} in {it}" + (f" if {cond}" if cond else "")
    plain = not cond and not mp  # every value as it is: no comprehension needed
    if style in ("comprehension", "builtin") and not step and plain and agg.lst.count("{l}") == 1 \
            and task.source.key != "digits" and agg.key not in ("any", "count"):
        whole = f"list({it})" if agg.key == "collect" else agg.lst.format(l=it, y=y, sep=sep)
        return "return " + whole, "comprehension"
    if style in ("comprehension", "builtin") and not step and agg.expr:
        gx = f"for {x} in {it}" + (f" if {cond}" if cond else "")
        return "return " + agg.expr.format(g=gen, gx=gx, sep=sep, y=y), "comprehension"
    lines = []
    if style == "loop" and not step:
        setup, update, result = agg.loop
        if setup:
            lines += setup.format(acc=acc, n=names["n"]).split("\n")
        inner, v = [], val
        if mp and update.count("{v}") > 1:  # name the mapped value instead of computing it twice
            inner.append(f"{names['t']} = {val}")
            v = names["t"]
        inner += update.format(acc=acc, v=v, n=names["n"]).split("\n")
        form = names.get("loop_form", "for")
        if form == "while" and task.source.key in ("numbers", "words", "chars"):  # index walk
            i = names["i"]
            lines += [f"{i} = 0", f"while {i} < len({it}):", f"    {x} = {it}[{i}]"]
            body = [f"if {cond}:"] + ["    " + s for s in inner] if cond else inner
            lines += ["    " + s for s in body] + [f"    {i} += 1"]
        else:
            lines.append(f"for {x} in {it}:")
            if cond and form == "continue":  # a guard clause instead of a nested block
                lines += [f"    if not ({cond}):", "        continue"] + ["    " + s for s in inner]
            elif cond:
                lines.append(f"    if {cond}:")
                lines += ["        " + s for s in inner]
            else:
                lines += ["    " + s for s in inner]
        lines.append("return " + result.format(acc=acc, n=names["n"], sep=sep))
        return "\n".join(lines), "loop"
    if style == "loop":  # with a step: collect by loop, then the step's loop, then the aggregate
        lines += [f"{kept} = []", f"for {x} in {it}:"]
        if cond:
            lines += [f"    if {cond}:", f"        {kept}.append({val})"]
        else:
            lines.append(f"    {kept}.append({val})")
    elif test and mp and not step:  # two named stages: select, then transform
        lines.append(f"{names['sel']} = [{x} for {x} in {it} if {cond}]")
        lines.append(f"{kept} = [{val} for {x} in {names['sel']}]")
    else:
        fresh = it if it.startswith("sorted(") or it.endswith(".split()") else f"list({it})"
        lines.append(f"{kept} = {fresh}" if plain else f"{kept} = [{gen}]")
    cur = kept
    if step:
        o = names["stepped"]
        if style == "loop":
            lines += step.loop.format(o=o, l=cur, x=names["z"], t=names["t"]).split("\n")
        else:
            lines.append(f"{o} = " + step.expr.format(l=cur))
        cur = o
    lines.append("return " + over(cur))
    return "\n".join(lines), "loop" if style == "loop" else "steps"


BUILTIN_OK = {"sum", "max", "min", "sorted", "sorted_desc", "collect", "count", "unique",
              "n_distinct", "product", "first", "concat", "join", "longest", "shortest"}

# ----------------------------------------------------------------------------
# 5. names, descriptions, docstrings


def ident(*parts):
    s = "_".join(p for p in parts if p)
    s = re.sub(r"[^a-z0-9_]", "", s.lower())
    s = re.sub(r"_+", "_", s).strip("_")
    return s if s and not s[0].isdigit() else "f_" + s


def choose_names(r, task, who):
    """Argument, loop, accumulator and function names, from the audience's vocabulary."""
    numbers, texts, dicts = VOCAB.get(who, GENERIC)
    numbers = numbers + r.sample(GENERIC[0] + NEUTRAL[0], 2)
    texts = texts + r.sample(GENERIC[1] + NEUTRAL[1], 2)
    src = task.source
    if src.args[0] == "list[int]":
        a, x = r.choice(numbers)
    elif src.args[0] == "list[str]":
        a, x = r.choice(texts)
    elif src.args[0] == "dict[str, int]":
        d, key, value = r.choice(dicts + GENERIC[2])
        a, x = d, (key if src.elem == "word" else value)
    elif src.key == "text":
        a, x = r.choice(["text", "sentence", "line", "phrase", "message"]), r.choice(["word", "w"])
    elif src.key == "chars":
        a, x = r.choice(["text", "s", "word", "message", "code"]), r.choice(["ch", "c", "char"])
    elif src.key == "csv":
        a, x = r.choice(["row", "line", "record", "csv_line", "fields_text"]), \
            r.choice(["field", "cell", "entry"])
    else:
        a, x = r.choice(["n", "limit", "number", "count", "size"]), r.choice(["i", "d", "num", "k"])
        if src.key == "digits":
            x = r.choice(["d", "digit"])
    names = {"a": a, "x": x}
    if src.key == "between":
        a, names["b"] = r.choice([("low", "high"), ("start", "stop"), ("first", "last"),
                                  ("lo", "hi"), ("begin", "end")])
        names["a"] = a
    elif src.args[-1] == "int" and len(src.args) > 1:  # a list and how many of it to use
        names["b"] = r.choice(["n", "count", "how_many", "size", "first_n"])
    elif len(src.args) > 1:  # a second list: another noun of the same kind, or a plain word
        pool = [p for p, _ in (numbers if src.elem == "int" else texts) if p != a]
        names["b"] = r.choice(pool + ["other", "second", "others"])
    if x in (a, names.get("b"), task.kname):
        names["x"] = r.choice([c for c in ("item", "each", "elem") if c != task.kname])
    out_kind = {"int": "int", "float": "int", "list": "list"}.get(task.agg.out, "other")
    # helper variables: the first name of a shuffled pool that no other name has taken
    taken = {names["a"], names.get("b"), names["x"], task.kname}
    # besides the plain pools, names made from the task's own words: `even_scores`, `n_prices`
    words = {"a": names["a"], "x": names["x"],
             "t": plain_word(r, task.test.names) if task.test else "all",
             "m": plain_word(r, task.map.names) if task.map else "",
             "s": plain_word(r, task.step.names) if task.step else "out"}
    own = {"acc": ACC_OWN.get(task.agg.key, []), "n": ["n_{a}", "{x}_count"],
           "kept": KEPT_OWN["map" if task.map else "test" if task.test else "plain"],
           "sel": KEPT_OWN["test"], "stepped": ["{s}", "{s}_{a}", "{a}_{s}"]}
    pools = {"acc": ACC_NAMES[out_kind], "n": ["count", "n_seen", "how_many"],
             "t": ["value", "v", "mapped", "new_value"], "y": ["item", "v", "e", "elem"],
             "kept": ["kept", "selected", "chosen", "picked", "filtered"],
             "sel": ["matching", "matches", "candidates", "passing"],
             "stepped": ["steps", "processed", "transformed", "series"],
             "z": ["item", "entry", "elem", "piece"]}
    for key, pool in pools.items():
        mine = [ident(f.format(**words)) for f in own.get(key, [])]
        pool = pool + [w for w in mine if w not in RESERVED and len(w) <= 24] * 2
        free = [p for p in r.sample(pool, len(pool)) if p not in taken] or [pool[0] + "_" + key]
        names[key] = free[0]
        taken.add(free[0])
    names["loop_form"] = r.choices(["for", "continue", "while"], weights=(6, 2, 2))[0]
    names["i"] = next(c for c in ("i", "idx", "pos", "j") if c not in taken)
    # the parameter: a literal, or a named argument
    names["k"] = task.kname or (str(task.k) if task.k is not None else None)
    if task.kname and task.kname in (names["a"], names.get("b"), names["x"]):
        names["k"] = task.kname + "_"
    return names


def plain_word(r, words):
    """A name word without a parameter in it ('even', not 'above_{k}')."""
    return r.choice([w for w in words if "{" not in w] or [words[0].split("_{")[0]])


def describe_np(r, task, names):
    """The noun phrase of the selected values: 'the even values in `scores`'."""
    src = task.source
    head = r.choice(src.heads)
    where = r.choice(src.wheres).format(a=names["a"], b=names.get("b"))
    np_ = f"the {head} {where}"
    kword = f"`{names['k']}`" if task.kname else (names["k"] or "")
    if task.test:
        say = r.choice(task.test.says).format(be="are", have="have", k=kword)
        np_ = f"{np_} {r.choice(['that', 'which'])} {say}"
    if task.map:
        np_ = r.choice(task.map.says).format(np=np_, k=kword)
    if task.step:
        np_ = r.choice(task.step.says).format(np=np_)
    sepword = task.sep[1] if task.sep else ""
    return with_check(r, task, r.choice(agg_says(task)).format(np=np_, sepword=sepword))


def agg_says(task):
    """The aggregate's phrases; under a check only the noun phrases ('the sum of ...') read well."""
    nouns = [p for p in task.agg.says if p.startswith("the ")]
    return nouns if task.check and nouns else task.agg.says


def with_check(r, task, X):
    if not task.check:
        return X
    check, K = task.check
    return r.choice(check.says).format(X=X, K=K)


FRAMES = ["Return {X}.", "Compute {X}.", "Work out {X}.", "Find {X}.", "Give back {X}.",
          "This function returns {X}.", "Calculate {X}.", "Produce {X}.", "Determine {X}.",
          "Report {X}.", "The answer is {X}.", "We want {X}.", "Returns {X}.", "Get {X}.",
          "Figure out {X}.", "Look up {X}.", "Build {X}.", "Evaluate {X}.",
          "The function should return {X}.", "Your code must return {X}.",
          "Return {X}, please.", "Write a function that returns {X}.", "Compute and return {X}.",
          "It should give {X}.", "Hand back {X}.", "Answer with {X}.", "Return the value of {X}.",
          "Find and return {X}.", "Output {X}.", "Tell us {X}.", "Report back {X}.",
          "Implement a function giving {X}.", "The return value is {X}.", "Give {X}.",
          "We need {X}.", "Calculate and return {X}.", "Work out and return {X}."]
GIVEN = ["Given {args}, return {X}.", "Take {args} and return {X}.", "For {args}, return {X}.",
         "From {args}, compute {X}.", "Receive {args}; give back {X}.",
         "With {args} as input, find {X}.", "Using {args}, compute {X}.",
         "Starting from {args}, work out {X}.", "You get {args}; return {X}.",
         "The input is {args}. Return {X}.", "Accept {args} and produce {X}.",
         "Given {args}, the function returns {X}.", "On {args}, answer with {X}."]
EMPTY_FRAMES = ["The result is {e} when nothing qualifies.",
                "If nothing qualifies, the answer is {e}.",
                "With no matching values it returns {e}.", "An empty selection gives {e}.",
                "When there is nothing to work with, return {e}.",
                "No matches means {e}.", "Return {e} if nothing is left.",
                "For an empty selection the answer is {e}.", "If no value passes, give {e}.",
                "Nothing selected? Then {e}.", "The empty case returns {e}."]
ARG_WORDS = {"list[int]": ["a list of integers", "a list of ints", "some whole numbers",
                           "integers, in any order", "a list of numbers (may be empty)"],
             "list[str]": ["a list of strings", "a list of words", "several strings",
                           "words, possibly repeated", "a list of str (may be empty)"],
             "str": ["a string", "some text", "a piece of text", "the input text",
                     "a str, possibly empty"],
             "int": ["an integer", "a whole number", "an int", "a whole number, maybe negative"],
             "dict[str, int]": ["a dictionary from strings to integers",
                                "a mapping of names to counts",
                                "a dict of str -> int"]}
# Argument descriptions that use the argument's own name ({n}: `lap_times` -> 'lap times').
ARG_OWN = {"list[int]": ["the {n}, as a list of ints", "a list of {n}", "the {n} to go through",
                         "{n} (integers)", "the list of {n}", "all the {n}, as integers",
                         "the {n}; an empty list is fine"],
           "list[str]": ["the {n}, as strings", "a list of {n}", "the {n} to look at",
                         "{n} (a list of str)", "the list of {n}", "the {n}, possibly empty"],
           "str": ["the {n} to read", "the {n}, as one string", "a {n} (str)",
                   "the {n} to work on", "the input {n}"],
           "int": ["the {n} (an int)", "the {n} to use", "a {n}, any integer",
                   "the {n}, as a whole number", "the value of {n}"],
           "dict[str, int]": ["the {n}, from names to numbers", "the {n} dictionary",
                              "a dict holding the {n}", "the {n} mapping"]}
RETURN_WORDS = {"int": ["an integer", "an int", "the whole-number result", "the result, as an int",
                        "a whole number", "the integer answer"],
                "float": ["a float", "a floating-point number", "the average as a float",
                          "a float rounded to 2 places"],
                "bool": ["True or False", "a boolean", "a bool", "whether the condition holds",
                         "a truth value", "True or False, as a bool"],
                "str": ["a string", "the resulting text", "a new string", "the text that results",
                        "one string", "the built string"],
                "list": ["a list", "a new list", "the list of results", "the resulting list",
                         "a list of the results", "a fresh list"],
                "dict": ["a dictionary", "a dict", "a new dictionary", "the counts, as a dict",
                         "a dictionary of counts", "a mapping to counts"],
                "elem": ["a single value, or None", "one of the values, or None",
                         "the value found, or None", "a value, or None if there is none"],
                "groups": ["a dictionary of lists", "a dict mapping letters to lists",
                           "the groups, as a dict of lists", "a dictionary from letters to lists"]}
EXAMPLE_INTROS = ["", "For example:", "Examples:", "Example usage:", "Some calls of {f}:",
                  "Usage:", "A few calls:", "Sample calls:", "How it behaves:", "E.g.:",
                  "It works like this:", "Try it:", "Doctests:", "Some results:", "In use:",
                  "Calls and results:", "{f} in action:", "What {f} returns:"]
ARGS_HEADS = ["Args:", "Args:", "Arguments:", "Parameters:", "Params:"]
RETURNS_HEADS = ["Returns:", "Returns:", "Return:", "Return value:"]
EXAMPLES_HEADS = ["Examples:", "Example:", "For example:", "Usage:", "Doctest:"]


def describe_steps(r, task, names):
    """The task as a recipe: 'Go through the values in `xs`, keep those that are even, ...'."""
    src = task.source
    kword = f"`{names['k']}`" if task.kname else (names["k"] or "")
    np_ = f"the {r.choice(src.heads)} {r.choice(src.wheres).format(a=names['a'], b=names.get('b'))}"
    parts = [r.choice(["go through {np}", "take {np}", "look at {np}", "walk over {np}",
                       "start from {np}", "read {np}", "loop over {np}", "scan {np}"]).format(
        np=np_)]
    if task.test:
        say = r.choice(task.test.says).format(be="are", have="have", k=kword)
        parts.append(r.choice(["keep those that {s}", "keep only the ones that {s}",
                               "ignore all but those that {s}",
                               "discard the others, keeping those that {s}",
                               "skip the rest and keep the ones that {s}",
                               "select the ones that {s}", "filter for those that {s}"])
                     .format(s=say))
    them, rest = r.choice(STEP_WORDS)
    if task.map:
        say = r.choice(task.map.says)
        parts.append(f"take {them}" + say[4:].format(k=kword) if say.startswith("{np}")
                     else f"turn {them} into " + say.format(np=them, k=kword))
    if task.step:
        parts.append(r.choice(["form ", "compute ", "build "])
                     + r.choice(task.step.says).format(np=rest))
    sepword = task.sep[1] if task.sep else ""
    parts.append(r.choice(["return ", "give back ", "answer with "])
                 + with_check(r, task, r.choice(agg_says(task)).format(np=rest, sepword=sepword)))
    text = ", ".join(parts[:-1]) + r.choice([", and ", ", then "]) + parts[-1] + "."
    return text[0].upper() + text[1:]


# How a recipe refers to the values it has so far: (after 'take', after 'of').
STEP_WORDS = [("them", "the results"), ("them", "what is left"), ("those", "the kept values"),
              ("what remains", "those"), ("the survivors", "the survivors"),
              ("them", "the selection"), ("those", "the remainder")]


def describe(r, task, names):
    if r.random() < 0.3:
        return describe_steps(r, task, names)
    X = describe_np(r, task, names)
    if r.random() < 0.35:
        params = list(zip(task.source.args, arg_names(names)))
        if task.kname:
            params.append(("int" if task.param[0] == "int" else "str", names["k"]))
        args = " and ".join(f"{r.choice(ARG_WORDS[t])} `{n}`" for t, n in params)
        s = r.choice(GIVEN).format(args=args, X=X)
    else:
        s = r.choice(FRAMES).format(X=X)
    if r.random() < 0.4 and not task.check:
        s += " " + r.choice(EMPTY_FRAMES).format(e=task.agg.empty.split(" when ")[0])
    return s[0].upper() + s[1:]


def arg_names(names):
    return [names["a"]] + ([names["b"]] if names.get("b") else [])


def function_name(r, task, names, who):
    """A short name, as people write them: the aggregate's word with one (sometimes two) of the
    task's other words, sometimes the argument's noun or a verb; the docstring says the rest."""
    agg_w = r.choice(task.agg.names)
    k = str(task.k).strip("'") if not task.kname else task.kname
    parts = []
    if task.test:  # of two tests joined by and/or, the name keeps one
        parts.append(r.choice(re.split(r"_(?:and|or)_", r.choice(task.test.names).format(k=k))))
    if task.map:
        parts.append(r.choice(task.map.names).format(k=k))
    if task.step:
        parts.append(r.choice(task.step.names))
    keep = set(r.sample(range(len(parts)), min(len(parts), r.choice([1, 1, 1, 1, 2]))))
    parts = [p for i, p in enumerate(parts) if i in keep]
    if task.check:  # a yes/no answer: `is_`/`has_` style, the aggregate or one word, the check
        check, K = task.check
        word = r.choice([agg_w] + parts[:1])
        return ident(r.choice(["", "is", "check"]), word, r.choice(check.names).format(K=K))
    noun = names["a"] if r.random() < 0.2 else ""
    order = r.random()
    if order < 0.5:
        return ident(agg_w, *parts, noun)
    if order < 0.9:
        return ident(*parts, noun, agg_w)
    return ident(r.choice(VERBS), agg_w, *parts[:1], noun)


CONTEXT_FRAMES = ["Part of {c}.", "Written for {c}.", "Used in {c}.", "From {c}.",
                  "Needed by {c}.", "This helper belongs to {c}.", "Context: {c}.",
                  "It comes from {c}.", "Handy in {c}."]
VERBS = ["get", "compute", "find", "calc", "make", "build", "work_out", "take", "fetch",
         "derive", "report", "select", "summarise", "eval", "do", "list", "pull"]
RESERVED = set(dir(builtins)) | set(keyword.kwlist)
DOC_STYLES = ["plain", "google", "sphinx", "numpy"]


def docstring(r, style, summary, params, ret_words, examples, fname):
    """The docstring's lines. params: [(name, type words)]; examples: [(call, result repr)]."""
    ex_lines = [s for call, out in examples for s in (f">>> {call}", out)]
    ret_words = r.choice(RETURN_WORDS[ret_words]) if ret_words in RETURN_WORDS else ret_words
    lines = [summary]
    if style == "google":
        lines += ["", r.choice(ARGS_HEADS)] + [f"    {n}: {w}." for n, w in params]
        lines += ["", r.choice(RETURNS_HEADS),
                  f"    {ret_words[0].upper() + ret_words[1:]}."]
        if ex_lines:
            lines += ["", r.choice(EXAMPLES_HEADS)]
            lines += ["    " + s for s in ex_lines]
    elif style == "sphinx":
        lines += [""] + [f":param {n}: {w}" for n, w in params] \
            + [f":{r.choice(['return', 'returns'])}: {ret_words}"]
        lines += [""] + ex_lines if ex_lines else []
    elif style == "numpy":
        lines += ["", "Parameters", "----------"]
        for n, w in params:
            lines += [f"{n}", f"    {w[0].upper() + w[1:]}."]
        lines += ["", "Returns", "-------", f"{ret_words}"]
        if ex_lines:
            lines += ["", "Examples", "--------"] + ex_lines
    elif ex_lines:
        intro = r.choice(EXAMPLE_INTROS).format(f=fname)
        lines += [""] + ([intro] if intro else []) + ex_lines
    return lines

# ----------------------------------------------------------------------------
# 6. inputs for examples and tests

# Ranges for the integers in example lists: small and signed, human-sized (ages, marks,
# prices), large; each list draws one range, so a list looks like one kind of data.
INT_RANGES = [(-20, 50), (0, 30), (-9, 9), (1, 100), (-500, 500), (0, 2000), (-50, 50), (10, 99),
              (100, 999), (0, 12), (1, 6), (-100, 0), (1900, 2030), (0, 255), (-1000, 1000),
              (50, 250), (0, 60)]


def gen_value(r, typ, words, task):
    if typ == "list[int]":
        lo, hi = r.choice(INT_RANGES)
        return [r.randint(lo, hi) for _ in range(r.randint(0, 10))]
    if typ == "list[str]":
        pool = words + [w.capitalize() for w in r.sample(words, 4)] + [w + "s" for w in words[:3]] \
            + ["level", "noon", "a", "sos", "kayak", ""]
        return [r.choice(pool) for _ in range(r.randint(0, 6))]
    if typ == "str":
        if task.source.key == "csv":
            pool = words + [w.capitalize() for w in r.sample(words, 3)] + ["", "n/a", "level",
                                                                            "noon", "a"]
            return ",".join(r.choice(pool) for _ in range(r.randint(1, 6)))
        if task.source.key == "chars":
            pool = words + ["Hello World", "R2D2", "Room 101", "a b c", "AbC"]
            return r.choice([r.choice(pool), " ".join(r.sample(words, 2)).title(),
                             r.choice(words), ""])
        return " ".join(r.choice(words + ["noon", "Level", "a"]) for _ in range(r.randint(0, 6)))
    if typ == "int":
        small = {"upto": (0, 14), "countdown": (0, 25), "between": (-20, 60), "head": (0, 8)}
        return r.randint(*small.get(task.source.key, (-5000, 999999)))
    if typ == "dict[str, int]":
        return {r.choice([w, w, w.capitalize()]): r.randint(-5, 40)
                for w in r.sample(words, r.randint(0, 5))}
    raise ValueError(typ)


def draw_inputs(r, task, words, n):
    """Up to n distinct argument tuples."""
    seen, out = set(), []
    for _ in range(n * 5):
        args = [gen_value(r, t, words, task) for t in task.source.args]
        if len(args) == 2 and args[0] and isinstance(args[1], list):  # two lists share values
            args[1] = args[1] + r.sample(args[0], r.randint(0, len(args[0])))
            r.shuffle(args[1])
        if task.kname:
            kind = task.param
            args.append(r.randint(kind[1], kind[2]) if kind[0] == "int"
                        else pick_letter(r, words, task.test))
        key = repr(args)
        if key not in seen:
            seen.add(key)
            out.append(tuple(args))
        if len(out) == n:
            break
    return out


def run_reference(src, fname, inputs):
    """Run our own rendered function in-process for the expected outputs (data_gen.py runs each
    record again in the sandbox)."""
    ns = {}
    exec(compile(src, "<composed>", "exec"), ns)
    out = []
    for args in inputs:
        out.append(ns[fname](*[list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict)
                               else v for v in args]))
    return out


def literal(v, quote="'"):
    """`repr(v)`, with strings in `quote` where that needs no escapes (black writes `"a"`)."""
    if isinstance(v, str):
        text = repr(v)
        return quote + text[1:-1] + quote if text[0] != quote and quote not in v else text
    if isinstance(v, list):
        return "[" + ", ".join(literal(e, quote) for e in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{literal(k, quote)}: {literal(e, quote)}"
                               for k, e in v.items()) + "}"
    return repr(v)


def call_repr(fname, args, quote="'"):
    return f"{fname}({', '.join(literal(a, quote) for a in args)})"


def requote(code, quote):
    """`code` with its string literals in `quote`, when it uses one kind of quote only and the
    change leaves the syntax tree as it was; else `code` unchanged."""
    other = "'" if quote == '"' else '"'
    if other not in code or quote in code or "\\" in code:
        return code
    new = code.replace(other, quote)
    try:
        same = ast.dump(ast.parse(new)) == ast.dump(ast.parse(code))
    except SyntaxError:
        same = False
    return new if same else code


def requote_spans(note, quote):
    """The same change inside a note's `code spans`."""
    return re.sub(r"`[^`]+`", lambda m: requote(m.group()[1:-1], quote).join("``"), note)

# ----------------------------------------------------------------------------
# 7. a whole function: header, docstring, body


class Composed:
    """One drawn and rendered task: its source text, name, inputs and outputs."""

    def __init__(self, r, who, ctx, words, style=None, doc_style=None):
        words = list(words) + r.sample(OTHER_WORDS, 8)
        for _ in range(50):  # a task whose answer (almost) never changes says nothing: draw
            self.draw(r, who, ctx, words, style, doc_style)  # another (squares that are prime)
            answers = {repr(o) for o in self.all_outputs}
            if len(answers) >= 3 or len(answers) == 2 and answers <= {"True", "False"}:
                break

    def draw(self, r, who, ctx, words, style, doc_style):
        self.task = task = draw_task(r, words)
        self.names = choose_names(r, task, who)
        self.fname = function_name(r, task, self.names, who)
        if self.fname in (self.names["a"], self.names.get("b"), task.kname) \
                or self.fname in RESERVED or "_" not in self.fname:
            self.fname = ident(self.fname, self.names["a"])
            if self.fname in (self.names["a"], self.names.get("b"), task.kname):
                self.fname = "get_" + self.fname
        wanted = style or r.choice(STYLES)
        self.doc_style = doc_style or r.choices(DOC_STYLES, weights=(8, 2, 2, 1))[0]
        self.typing = r.choice(["modern", "modern", "typing", "none"])
        self.quote = r.choice(["'", '"'])  # the string quotes its code and calls use
        # read-only arguments may be annotated by what the code needs: Sequence, Mapping
        self.abstract = self.typing != "none" and r.random() < 0.3
        self.summary = describe(r, task, self.names)
        self.context = ctx if r.random() < 0.3 else None
        self.body, self.style = render_body(task, self.names, wanted)
        # draw more inputs than needed, run them, and keep those that show different answers
        # first (an exercise whose tests all expect [] would say little); a selective test may
        # need more draws before three different answers turn up
        inputs, src = draw_inputs(r, task, words, 12), self.source(with_doc=False)
        outputs = run_reference(src, self.fname, inputs)
        for _ in range(4):
            if len({repr(o) for o in outputs}) >= 3:
                break
            more = [a for a in draw_inputs(r, task, words, 12) if a not in inputs]
            inputs += more
            outputs += run_reference(src, self.fname, more)
        firsts, rest, seen = [], [], set()
        for a, o in zip(inputs, outputs):
            (rest if repr(o) in seen else firsts).append((a, o))
            seen.add(repr(o))
        self.all_outputs = outputs
        pairs = (firsts + rest)[:r.randint(5, 9)]
        self.inputs, self.outputs = [a for a, _ in pairs], [o for _, o in pairs]
        self.ops = "|".join(p for p in [task.source.key, task.test and task.test.key,
                                        task.map and task.map.key, task.step and task.step.key,
                                        task.agg.key, task.check and task.check[0].op] if p)
        self.r = r

    def params(self):
        types = list(self.task.source.args)
        names = arg_names(self.names)
        if self.task.kname:
            kind = self.task.param
            types.append("int" if kind[0] == "int" else "str")
            names.append(self.names["k"])
        return list(zip(names, types))

    def imports(self, body=None):
        code = body or self.body
        lines = []
        if "math." in code:
            lines.append("import math")
        if "itertools." in code:
            lines.append("import itertools")
        if self.typing == "typing":
            sig = self.signature()
            used = [t for t in ("Dict", "List", "Mapping", "Optional", "Sequence")
                    if re.search(rf"\b{t}\[", sig)]
            if used:
                lines.append("from typing import " + ", ".join(used))
        elif self.abstract:
            sig = self.signature()
            used = [t for t in ("Mapping", "Sequence") if t + "[" in sig]
            if used:
                lines.append("from collections.abc import " + ", ".join(used))
        return lines

    def arg_type(self, t):
        """An argument's annotation: the functions only read their lists and dictionaries."""
        if self.abstract:
            t = re.sub(r"^list\[", "Sequence[", re.sub(r"^dict\[", "Mapping[", t))
        return t

    def signature(self):
        if self.typing == "none":
            return f"def {self.fname}({', '.join(n for n, _ in self.params())}):"
        ps = ", ".join(f"{n}: {restyle_type(self.arg_type(t), self.typing)}"
                       for n, t in self.params())
        return f"def {self.fname}({ps}) -> {result_type(self.task, self.typing)}:"

    def docstring(self, examples, r):
        words = [(n, r.choice(ARG_WORDS[t] + [w.format(n=n.replace("_", " ").strip())
                                               for w in ARG_OWN[t]])) for n, t in self.params()]
        summary = self.summary
        if self.context:
            summary += " " + r.choice(CONTEXT_FRAMES).format(
                c=self.context)
        summary = wrap(summary, 88)
        out = "bool" if self.task.check else self.task.agg.out
        lines = docstring(r, self.doc_style, summary, words, out, examples, self.fname)
        text = "\n".join(lines)
        return '"""' + text + ('\n"""' if len(lines) > 1 else '"""')

    def source(self, with_doc=True, n_examples=0, r=None, body=None):
        head = self.imports(body)
        text = ("\n".join(head) + "\n\n\n" if head else "") + self.signature() + "\n"
        if with_doc:
            # a doctest shows nothing for None, so such a call is wrapped in print()
            ex = [(call_repr(self.fname, a, self.quote) if o is not None
                   else f"print({call_repr(self.fname, a, self.quote)})", repr(o))
                  for a, o in zip(self.inputs, self.outputs)][:n_examples]
            text += indent(self.docstring(ex, r or self.r)) + "\n"
        return text + indent(requote(body or self.body, self.quote)) + "\n"


def wrap(text, width):
    out, line = [], ""
    for w in text.split(" "):
        if line and len(line) + 1 + len(w) > width:
            out.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    out.append(line)
    return "\n".join(out)


def indent(code, prefix="    "):
    return "\n".join(prefix + s if s else s for s in code.split("\n"))

# ----------------------------------------------------------------------------
# 8. exercises


def make_exercise(seed, index, audience):
    """A composed exercise in data_gen's record format; `audience` is (who, ctx, words)."""
    r = random.Random(f"{seed}:compose-exercise:{index}")
    who, ctx, words = audience
    c = Composed(r, who, ctx, words)
    n_ex = min(len(c.inputs), r.randint(2, 4))
    full = c.source(with_doc=True, n_examples=n_ex, r=r)
    sig_at = full.index("def ")
    body_at = full.index("\n", full.index('"""', full.index('"""', sig_at) + 3)) + 1
    prompt, solution = full[:body_at], full[body_at:]
    pairs = list(zip(c.inputs, c.outputs))
    if r.random() < 0.5:
        cases = ",\n".join(f"    ({tuple(a)!r}, {o!r})" for a, o in pairs)
        tests = (f"\n\nfor args, expected in [\n{cases},\n]:\n"
                 f"    assert {c.fname}(*args) == expected, (args, expected)\n")
    else:
        tests = "\n\n" + "".join(assert_line(c.fname, a, o) for a, o in pairs)
    return {"prompt": prompt, "solution": solution, "tests": tests, "entry_point": c.fname,
            "family": "composed", "ops": c.ops, "topic": topic_of(c.task), "audience": who}


def assert_line(fname, args, out):
    if out is True:
        return f"assert {call_repr(fname, args)}\n"
    if out is False:
        return f"assert not {call_repr(fname, args)}\n"
    if out is None:
        return f"assert {call_repr(fname, args)} is None\n"
    return f"assert {call_repr(fname, args)} == {out!r}\n"


def topic_of(task):
    if task.step:
        return "small algorithms"
    if task.source.args[0].startswith("dict") or len(task.source.args) > 1:
        return "dicts and sets"
    if task.source.elem in ("word", "char"):
        return "strings"
    return "lists" if task.source.key == "numbers" else "iteration patterns"

# ----------------------------------------------------------------------------
# 9. lessons: composed functions explained from their operations


# What to say about the source, the style and the aggregate of a composed function: several
# wordings each, true of every rendering of the key (a wording that quotes code is used only
# under a body that shows it; see `shows`). HOW_SOURCE and HOW_FORM take {a}, {b}, {x}; HOW_AGG
# follows "Finally, " and takes no placeholders.
HOW_SOURCE = {
    "numbers": ["It walks through `{a}` once, one {x} at a time.",
                "A single pass over `{a}` sees every {x}.",
                "The values of `{a}` are read in the order they are stored, and the list itself "
                "is never changed.",
                "Repeated values in `{a}` are each visited, once per occurrence.",
                "When `{a}` is empty there is simply nothing to look at, and no error is raised.",
                "Each {x} is an integer, so arithmetic and comparisons apply to it directly."],
    "words": ["Each {x} of `{a}` is visited in turn.",
              "The strings of `{a}` are taken in order, from the first to the last.",
              "`{a}` is a list of strings, so every {x} supports the string methods.",
              "The strings of `{a}` are read from first to last and never modified.",
              "Strings are immutable, so nothing the function does with {x} can change `{a}`.",
              "An empty string in `{a}` is still an item, and it is looked at like any other."],
    "text": ["`{a}.split()` cuts the text at whitespace, so the pieces are whole words.",
             "Splitting on whitespace turns the sentence into a list of words first.",
             "`split()` with no argument treats any run of spaces, tabs or newlines as one "
             "break, so no {x} is ever empty.",
             "Punctuation stays attached to its word: 'Hi, you' splits into 'Hi,' and 'you'.",
             "Spaces at the start or end of `{a}` produce no extra words.",
             "The words come out in the order they appear in `{a}`, repeats included."],
    "chars": ["Iterating over a string gives its characters one by one.",
              "A string is a sequence, so `{a}` hands over one character at a time.",
              "There is no separate character type in Python: each {x} is a string of length "
              "one.",
              "Spaces and punctuation in `{a}` are characters too, and they are visited like "
              "letters.",
              "A string of n characters gives exactly n values, repeated letters included.",
              "An empty `{a}` has no characters at all, so there is nothing to process."],
    "upto": ["`range(1, {a} + 1)` produces 1, 2, ..., `{a}`; the `+ 1` is needed because a range "
             "stops just before its end.", "The range starts at 1 and includes `{a}` itself.",
             "For `{a}` of 0 or less the range is empty, so there are no values at all.",
             "A `range` produces its numbers on demand instead of storing them all.",
             "With `{a}` equal to 4 the values are 1, 2, 3 and 4.",
             "Without a start argument a range would begin at 0; here it starts at 1."],
    "digits": ["`str(abs({a}))` writes the number out, and mapping `int` over it turns each "
               "character back into a digit; `abs` keeps a minus sign out of the way.",
               "Turning the number into a string is the easiest way to get at its digits.",
               "For 305 the digits come out as 3, 0 and 5, from left to right.",
               "A negative number has the same digits as its absolute value: `abs` removes the "
               "sign before the string is made.",
               "`map` applies `int` to every character, so each {x} is a number from 0 to 9.",
               "Even 0 has one digit, so there is always at least one value."],
    "common": ["`set({a}) & set({b})` keeps what both lists share, and `sorted` gives a fixed "
               "order.",
               "Sets make the intersection one operator, `&`.",
               "A value repeated in either list appears only once, since a set keeps one copy.",
               "The shared values come out from smallest to largest, whatever order the lists "
               "had.",
               "Swapping `{a}` and `{b}` would give the same values: an intersection ignores the "
               "order of its operands.",
               "If the two lists share nothing, the intersection is empty and no values remain."],
    "only_first": ["The set difference `set({a}) - set({b})` keeps what only the first list has.",
                   "Subtracting sets removes every value that also appears in `{b}`.",
                   "Unlike an intersection, a difference depends on the order: taking `{a}` "
                   "away from `{b}` could give a different set.",
                   "Values of `{b}` that are missing from `{a}` play no part at all.",
                   "Each remaining value appears once, in increasing order, thanks to `set` and "
                   "`sorted`.",
                   "If every value of `{a}` also occurs in `{b}`, nothing is left."],
    "either": ["The union `|` of two sets holds every value that is in at least one of them.",
               "`set({a}) | set({b})` merges the lists and drops repeats in one step.",
               "A word found in both lists appears once in the union, not twice.",
               "`sorted` puts the words in alphabetical order, with capitals before small "
               "letters.",
               "The union is empty only when `{a}` and `{b}` are both empty.",
               "The order of the original lists does not matter, since the result is sorted."],
    "csv": ["`{a}.split(\",\")` cuts the line at every comma; two commas in a row give an empty "
            "field.",
            "Splitting on ',' keeps spaces and empty fields; only the commas themselves are "
            "removed.",
            "A line without any comma gives a single field: the whole line.",
            "An empty line still gives one field, the empty string, not an empty list.",
            "A line with n commas always splits into n + 1 fields.",
            "Spaces after a comma stay in the next field, so 'a, b' gives 'a' and ' b'."],
    "countdown": ["`range({a}, 0, -1)` counts down and stops before 0.",
                  "A negative step makes the range run backwards, from `{a}` to 1.",
                  "With `{a}` equal to 3 the values are 3, 2 and 1.",
                  "If `{a}` is 0 or negative, the range is empty and nothing is processed.",
                  "The stop value 0 is never reached, so 1 is the last number produced.",
                  "These are the numbers from 1 to `{a}`, visited from the top down."],
    "between": ["`range({a}, {b} + 1)` includes `{b}` because of the `+ 1`; if `{a}` is larger "
                "than `{b}` the range is empty.",
                "Both ends are included: the range stops at `{b} + 1`, one past the last value.",
                "If `{a}` equals `{b}`, there is exactly one value.",
                "The range holds {b} - {a} + 1 numbers when {a} is not above {b}.",
                "Negative bounds work too: the range simply counts up from `{a}`.",
                "The numbers come in increasing order, one apart."],
    "head": ["`{a}[:{b}]` takes at most `{b}` values; slicing never fails on a short list.",
             "A slice past the end of the list simply stops at the end.",
             "If `{b}` is 0, the slice is empty and there is nothing to process.",
             "The slice is a new list; `{a}` itself is left as it is.",
             "Values after the first `{b}` positions are never looked at.",
             "With `{b}` equal to 3, only the first three values of `{a}` take part."],
    "values_of": ["`.values()` gives the numbers stored in the dictionary, without their keys.",
                  "We only need the values here, so the code runs over `{a}.values()`.",
                  "Two keys may hold the same value, and then that value is seen twice.",
                  "The values come in the order in which their keys were inserted.",
                  "The keys of `{a}` play no part; only the stored numbers are read.",
                  "An empty dictionary has no values, so there is nothing to work on."],
    "keys_of": ["Looping over a dictionary visits its keys, in insertion order.",
                "A `for` loop over `{a}` gives its keys.",
                "The keys of a dictionary are unique, so no {x} is seen twice.",
                "The values stored under the keys are not used here.",
                "Iterating over `{a}` directly gives the keys; the values would need an explicit "
                "call such as values().",
                "Each {x} is one of the string keys of `{a}`."],
}
HOW_STYLE = {
    "loop": ["The explicit loop is longer than a one-liner, but every step can be read on its "
             "own.",
             "Written as a plain loop, the code shows the order in which things happen.",
             "A loop like this is easy to step through in a debugger, one value at a time.",
             "Beginners often find the loop version the easiest to check by hand.",
             "Each value is looked at in turn, in the order it arrives.",
             "If the result looks wrong, a print call inside the loop body quickly shows why.",
             "The same work fits in one line, but the loop leaves room for a comment on each "
             "decision.",
             "The loop form trades brevity for explicitness: more lines, each doing little.",
             "Tracing the loop by hand on a short input is a good way to check it."],
    "comprehension": ["One line does all the work; reading it from the `for` outwards helps.",
                      "The whole computation is one expression after `return`.",
                      "The function body is a single `return` statement, so there is no state "
                      "to keep track of.",
                      "There is no accumulator to set up: the expression produces the answer "
                      "directly.",
                      "Read it from the inside out: the innermost part produces the values and "
                      "the call around it reduces them.",
                      "A one-liner like this is quick to read once the pattern is familiar, but "
                      "harder to step through in a debugger.",
                      "If the expression grew much longer, splitting it into named steps would "
                      "read better.",
                      "Being one expression, the code reads almost like the description of the "
                      "task.",
                      "The short form leaves no room for slips such as forgetting to update a "
                      "counter."],
    "steps": ["Each stage gets its own named variable, so intermediate results can be printed "
              "while debugging.", "Naming the intermediate lists documents what each step does.",
              "Splitting the work into named stages costs a little memory and buys clarity.",
              "Each line does one thing, so a wrong result is easy to trace to its stage.",
              "Every stage is an ordinary list, which can be printed or measured at any point.",
              "The last line works on a finished list rather than on the raw input.",
              "Unlike a generator, a named list holds all its values at once and can be read "
              "more than once.",
              "A new stage can be added by inserting one more line between the others.",
              "Building full lists costs memory in proportion to the input, which only matters "
              "for very large inputs."],
    "builtin": ["`filter` and `map` with small lambdas spell the same pipeline functionally.",
                "The builtins `filter` and `map` return lazy iterators, consumed by the last "
                "call.",
                "In the functional style the data flows from the innermost call outwards.",
                "A small `lambda` keeps each operation next to the place where it is used.",
                "Each `lambda` is a function without a name, written inline for a single use.",
                "`filter` keeps exactly the values for which its function returns a true value.",
                "`map` calls its function on every value that reaches it and passes the results "
                "on.",
                "The iterators are lazy: no value is computed until the outermost call asks for "
                "it.",
                "No intermediate list gets a name; the values stream from one call to the next.",
                "A `lambda` can only hold one expression, which suits short tests and changes "
                "like these.",
                "The whole pipeline is a single `return` statement built from nested calls."],
}
HOW_AGG = {
    "sum": ["a running total starts at 0, the identity of addition",
            "adding starts from 0, so an empty selection sums to 0",
            "the total does not depend on the order in which the values are added",
            "a negative value lowers the total, so the sum can be smaller than some of its parts",
            "Python integers never overflow, so even many large values add up exactly"],
    "count": ["a counter goes up by one for each value that gets through",
              "the count starts at 0 and grows by one per value that passes",
              "only how many values pass matters, not what they are",
              "the count can never be larger than the number of values the source provides",
              "an empty selection gives a count of 0, never None"],
    "product": ["the product starts at 1, which changes nothing when multiplied",
                "a single 0 among the values makes the whole product 0",
                "an empty selection gives 1, the empty product",
                "with no 0 among them, an odd number of negative factors makes the product "
                "negative",
                "`math.prod` multiplies the values together, starting from 1",
                "products grow fast, but Python integers have no size limit"],
    "max": ["an empty selection has no largest value, so the answer is then `None`",
            "with no values there is no maximum, and the function says so with `None`",
            "the maximum is always one of the values themselves, never a new number",
            "a caller has to check for `None` before doing arithmetic with the result",
            "`default=None` keeps `max` from raising an error on empty input",
            "`is None` marks the start, when there is no candidate yet"],
    "min": ["with nothing selected there is no smallest value, and `None` says so",
            "`None` stands for 'no smallest value' when nothing is left",
            "the minimum is always one of the values themselves",
            "a result of `None` has to be checked before it is used as a number",
            "`default=None` is what `min` returns when it gets no values at all",
            "`is None` is true only until the first value has been seen"],
    "mean": ["the average divides the total by the count, and an empty selection gives 0.0 "
             "instead of dividing by zero",
             "dividing by the count would fail on an empty selection, so that case returns 0.0",
             "`/` always gives a float, and `round` keeps two decimal places",
             "the average need not be one of the values: the mean of 1 and 2 is 1.5",
             "rounding happens once, at the very end, so no precision is lost along the way",
             "both the total and the count are needed, so every value is seen before dividing"],
    "collect": ["the list keeps the values in the order they reach it",
                "the result is a new list, so changing it later does not affect the input",
                "an empty selection gives an empty list, never None",
                "a list keeps every element in its place, so the result can be indexed or "
                "looped over again",
                "`append` adds each value at the end of the list"],
    "sorted": ["sorting happens once, at the end",
               "the values are collected first and sorted once at the end",
               "`sorted` returns a new list and leaves its argument unchanged",
               "numbers come out smallest first, and strings in alphabetical order with capitals "
               "before small letters",
               "`sorted` accepts any iterable, not only lists, and always returns a list",
               "values that compare equal end up next to each other"],
    "sorted_desc": ["`reverse=True` sorts from largest to smallest",
                    "asking `sorted` for `reverse=True` is simpler than sorting and then "
                    "reversing the list",
                    "the largest value comes first, so the first item of a non-empty result is "
                    "the maximum",
                    "for strings the descending order puts small letters before capitals, and "
                    "'z' before 'a'",
                    "an empty selection gives an empty list"],
    "unique": ["a set drops repeated values, and `sorted` turns it back into a list",
               "converting to a set removes duplicates, and sorting makes the order predictable",
               "the result is never longer than the list of values it starts from",
               "a set has no useful order of its own, which is why the values are sorted before "
               "they are returned",
               "each value appears exactly once in the answer, however often it occurred"],
    "n_distinct": ["the size of a set is the number of different values in it",
                   "adding a value that is already in a set changes nothing, so repeats are not "
                   "counted",
                   "the answer equals the number of values only when there are no repeats",
                   "an empty selection has no distinct values, so the answer is 0",
                   "`len` of the set is the answer; the values themselves are not returned"],
    "first": ["the function returns as soon as it finds a match, and `return None` is reached "
              "only when nothing matched",
              "`next` stops at the first value that qualifies",
              "the answer is the earliest value that qualifies, in the order of the input",
              "`None` is the answer when no value is left to pick",
              "values after the first match cannot change the answer",
              "only one value is returned, even when several qualify"],
    "last": ["the answer is the last match, since each later match supersedes an earlier one",
             "unlike the first match, the last one is only known after every value has been seen",
             "`None` is the answer when no value is left to pick",
             "the whole input is read even after a match, because a later one may follow",
             "only one value is returned: the one nearest the end"],
    "join": ["`join` puts the separator only between pieces, never at the ends",
             "the separator goes between the pieces, so one piece alone comes back unchanged",
             "`join` needs strings, and the pieces here are already text",
             "joining n pieces puts n - 1 separators into the result",
             "an empty selection joins to the empty string",
             "the separator is the string that `join` is called on, not an argument"],
    "concat": ["the characters are glued into one new string",
               "nothing is put between the pieces, so they run together",
               "an empty selection gives the empty string",
               "strings cannot be changed in place, so the result is a new string built from "
               "the pieces",
               "`\"\".join` glues the pieces together with nothing between them"],
    "longest": ["a strictly longer word replaces the best so far, so ties keep the earlier one",
                "only a strictly longer word takes over, so the earliest of equal lengths wins",
                "length counts characters, so 'apple' and 'melon' tie",
                "an empty selection gives the empty string, which has length 0",
                "`key=len` makes `max` compare lengths instead of the words themselves",
                "the answer is one of the words, not its length"],
    "tally": ["`get` with a default of 0 reads a count that may not exist yet",
              "each distinct value becomes a key, and its count is the number of times it occurs",
              "the counts always add up to the number of values counted",
              "keys appear in the order their values were first seen",
              "a value that never occurs is simply not a key; no count of 0 is stored",
              "`.count` is called once per value, which is simple but slow for long lists"],
    "any": ["one match is enough to answer True",
            "a single value that qualifies is enough for True",
            "if no value qualifies, the answer is False",
            "the answer is a bool, never the matching value itself",
            "`return True` inside the loop ends the search at the first match"],
    "spread": ["the spread needs both extremes, so an empty selection is given 0 explicitly",
               "the spread is never negative, since the largest value is at least the smallest",
               "a single value, or values that are all equal, give a spread of 0",
               "`max` and `min` each go through the values, so the list is read twice",
               "only the two extremes matter; the values in between do not change the spread"],
    "second": ["a set removes ties first, so the runner-up is really a different value",
               "`[-2]` is the second item from the end of the sorted values, the runner-up",
               "with fewer than two different values there is no runner-up, and the answer is "
               "`None`",
               "in 5, 5 and 3 the runner-up is 3, not 5, because repeats are removed first",
               "sorting the distinct values puts the largest last and the second largest just "
               "before it"],
    "shortest": ["a strictly shorter word replaces the best so far, so ties keep the earlier one",
                 "the earliest of several equally short words wins",
                 "an empty selection gives the empty string",
                 "`key=len` makes `min` compare lengths, not alphabetical order",
                 "the answer is one of the words, not a length"],
    "groups": ["`setdefault` creates an empty list for a new first letter and returns it, ready "
               "for `append`",
               "each key is a first letter, and its list keeps the words in the order they came",
               "every word lands in exactly one group, the one for its first letter",
               "upper and lower case give different keys, so 'Apple' and 'apple' end up in "
               "different groups",
               "the lists together hold every word that was grouped, repeats included"],
    "numbered": ["the number of each line is one more than the number of lines written so far",
                 "numbering starts at 1, not 0",
                 "entries are separated by a semicolon and a space, with none after the last",
                 "`enumerate` with a start of 1 supplies the numbers",
                 "an empty selection gives the empty string",
                 "`str` turns each number into text before it is put in front of the word"],
}
LESSON_TITLES = ["Filtering, transforming and reducing", "Small pipelines over collections",
                 "From many values to one answer", "Selecting and summarising data",
                 "Loops, comprehensions and builtins", "Counting, collecting and combining",
                 "Reading code that selects and combines", "One pass over the data",
                 "Same idea, different spellings", "Worked examples: filters and totals"]
LESSON_INTROS = [
    "Many small programs have the same shape: take some values, keep the ones that matter, change "
    "them, and combine what is left. This lesson, written for {who}, builds a few such functions.",
    "{Who} meet this pattern all the time: a collection goes in and a single answer comes out. "
    "Below are {n} functions that follow it, each written in a slightly different style.",
    "We look at {n} functions from {ctx}. Each one selects, transforms and combines values; read "
    "the code, guess the output, then compare.",
    "A lot of everyday code is a pipeline: source, filter, map, reduce. Here are {n} examples for "
    "{who}, with what they print.",
    "This page collects {n} short functions from {ctx}. For each one we trace a call by hand "
    "before looking at the output.",
    "If you can read a loop, you can read these {n} functions. They were written with {who} in "
    "mind and each is followed by a run.",
    "Below: {n} functions, each small enough to check by hand. Try to predict every output.",
]
SAME_AS = {"comprehension": ["The same function can be written as a single expression:",
                             "An equivalent, more compact version:"],
           "builtin": ["The same pipeline with `filter` and `map`:",
                       "An equivalent version built from builtins:"],
           "loop": ["The same function, written as an explicit loop:",
                    "Spelled out as a loop, it reads:"],
           "steps": ["The same function, one named stage per line:",
                     "Broken into named steps:"]}
SAME_AS_ANY = ["For comparison, here is an equivalent version in another style:",
               "Another way to write it, with the same results:"]


def listing(values, limit=6):
    """'3, 4 and 8' (or 'nothing'), cut after `limit` values."""
    shown = [repr(v) for v in values[:limit]]
    if not shown:
        return "nothing"
    if len(values) > limit:
        return ", ".join(shown) + f" and {len(values) - limit} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


ORDINALS = ["first", "second", "third", "fourth"]
TRACE_NTH = ["For the {nth} call, the loop sees {v}", "Take the {nth} call: the values are {v}",
             "Tracing the {nth} call, we start from {v}", "In the {nth} call the input gives {v}",
             "Let us follow the {nth} call: it starts with {v}", "By hand, the {nth} call begins "
             "with {v}", "Step by step, the {nth} call above reads {v}",
             "Walking through the {nth} call, the input holds {v}"]


def trace(r, c, args, out, which=None, of=None):
    """A worked trace of one call: the values at each stage, computed by evaluating the stage
    expressions of the task itself (the final value is the one the lesson's check prints).
    which/of: the call's place among the `of` calls just shown, to refer to it by its place."""
    import itertools
    import math
    t, names = c.task, c.names
    env = {"math": math, "itertools": itertools}
    env.update(zip([n for n, _ in c.params()], args))
    x = names["x"]
    values = list(eval(t.source.loop[1].format(a=names["a"], b=names.get("b")), env))
    kept = [v for v in values if eval(t.test.code.format(x=x, k=names["k"]), {**env, x: v})] \
        if t.test else values
    mapped = [eval(t.map.code.format(x=x, k=names["k"]), {**env, x: v}) for v in kept] \
        if t.map else kept
    call = call_repr(c.fname, args, c.quote)
    steps = [r.choice(["For `{call}`, the loop sees {v}", "Take `{call}`: the values are {v}",
                       "Tracing `{call}`, we start from {v}", "With `{call}` the input gives {v}",
                       "Let us follow `{call}`: it starts with {v}",
                       "By hand, `{call}` begins with {v}", "Step by step, `{call}` reads {v}",
                       "Consider `{call}`; the values come in as {v}",
                       "Walking through `{call}`, the input holds {v}"])
             .format(call=call, v=listing(values))]
    if which is not None and r.random() < 0.8:  # "the second call" instead of repeating it
        nth = "last" if which == of - 1 and of > 1 and r.random() < 0.5 else ORDINALS[which]
        steps = [r.choice(TRACE_NTH).format(nth=nth, v=listing(values))]
    if t.test and not kept:
        steps.append(r.choice(["none of them pass the test", "the test keeps nothing",
                               "nothing gets through", "every one of them fails the test",
                               "the filter rejects them all"]))
    elif t.test:
        steps.append(r.choice(["{k} pass the test", "the test keeps {k}", "only {k} get through",
                               "of these, {k} qualify", "the filter leaves {k}",
                               "{k} survive the test", "keeping just {k}",
                               "the ones that pass are {k}"]).format(k=listing(kept)))
    if t.map and kept:
        steps.append(r.choice(["they become {m}", "mapping gives {m}",
                               "after the change we have {m}", "transformed, they read {m}",
                               "the map turns them into {m}", "changing each one gives {m}"])
                     .format(m=listing(mapped)))
    if t.step and mapped:
        stepped = eval(t.step.expr.format(l="_l"), {**env, "_l": mapped})
        step = t.step.names[0].replace("_", " ")
        steps.append(f"the {step} step turns that into {listing(stepped)}")
    steps.append(r.choice(["so the result is {o!r}", "and the function returns {o!r}",
                           "which gives {o!r}", "so the call returns {o!r}",
                           "and the answer comes out as {o!r}", "leaving {o!r} as the result",
                           "and we end with {o!r}"]).format(o=out))
    return ", ".join(steps[:-1]) + "; " + steps[-1] + "."


# What a reader should know about an operation, by key (a test's or a map's; `upper_map` is the
# map `upper`), with {x} and {k}: several wordings each, so that lessons do not repeat one
# sentence per operation. A wording that quotes code is used only under a body that shows that
# code (see `shows`), so the notes on a key's other FORMS quote those forms; at least two
# wordings of each key quote nothing, or only what every form of the key writes.
NOTES = {
    "even": ["`{x} % 2 == 0` also works for negative numbers, because Python's `%` takes the sign "
             "of the divisor.",
             "An even number leaves remainder 0 when divided by 2, negative or not.",
             "Zero counts as even: dividing 0 by 2 leaves nothing over.",
             "`%` gives the remainder of a division, and for a divisor of 2 that remainder is "
             "always 0 or 1.",
             "`not {x} % 2` works because a remainder of 0 counts as false and 1 as true.",
             "`{x} % 2 != 1` asks for the same thing as a remainder of 0, since no other "
             "remainder is possible."],
    "odd": ["In Python -3 % 2 is 1, so `{x} % 2 == 1` catches negative odd numbers too (in C it "
            "would not).",
            "Python's remainder is never negative for a positive divisor, so `% 2` is 0 or 1.",
            "Odd numbers are exactly those that leave 1 over when divided by 2, and -7 is one of "
            "them.",
            "Zero is not odd: its remainder after division by 2 is 0.",
            "`{x} % 2 != 0` says 'not even', which for whole numbers is the same as odd.",
            "`{x} % 2 > 0` relies on the remainder being 0 or 1, never negative."],
    "positive": ["Zero is neither positive nor negative, so `{x} > 0` leaves it out.",
                 "Zero does not count as positive, so the comparison is strict and 0 fails it.",
                 "Every whole number from 1 upwards passes; 0 and the negative values do not.",
                 "`0 < {x}` puts the constant first and means exactly the same as 'greater than "
                 "zero'.",
                 "Only the sign matters here: 1 and 1000000 pass alike."],
    "negative": ["`{x} < 0` is false for zero itself.",
                 "Only values strictly below zero pass; 0 is not negative.",
                 "`0 > {x}` is the same comparison with the constant written first.",
                 "Values such as -1 and -40 pass, while 0 and everything above it fail.",
                 "The test looks at the sign only, not at how large the value is."],
    "nonzero": ["Comparing with `!= 0` keeps every value except zero.",
                "Negative and positive values both pass; only 0 is dropped.",
                "`!=` means 'is not equal to', so the test fails for exactly one value.",
                "Testing the value's truth directly would do the same, because 0 is the only "
                "integer that counts as false.",
                "Dropping zeros is a common first step before dividing by the values."],
    "above": ["`> {k}` is strict: a value equal to {k} does not count.",
              "A value exactly equal to {k} fails `> {k}`; including it would take "
              "greater-or-equal instead.",
              "The comparison is strict, so {k} itself is left out and only larger values pass.",
              "`{k} < {x}` says the same as '{x} is greater than {k}', with the bound written "
              "first.",
              "For whole numbers, being above {k} is the same as being at least {k} + 1."],
    "below": ["`< {k}` is strict: {k} itself is left out.",
              "Only values strictly smaller than {k} pass; {k} itself fails.",
              "`{k} > {x}` is the same comparison with the bound written first.",
              "For whole numbers, being below {k} is the same as being at most {k} - 1.",
              "Negative values are all below {k} whenever {k} is zero or more."],
    "at_least": ["`{x} >= {k}` includes the boundary {k} itself.",
                 "With `>= {k}`, the value {k} itself passes.",
                 "The boundary {k} passes, and so does every larger value.",
                 "`not {x} < {k}` is a roundabout way of saying 'at least {k}'.",
                 "`{k} <= {x}` puts the bound first; it reads '{k} is at most {x}'.",
                 "For whole numbers, at least {k} means the same as greater than {k} - 1."],
    "at_most": ["`<= {k}` keeps {k} itself as well.",
                "The boundary {k} passes `<= {k}`.",
                "{k} itself passes, together with every smaller value.",
                "`not {x} > {k}` means 'not above {k}', which for numbers is the same as at most "
                "{k}.",
                "`{k} >= {x}` is the same test with the bound written first.",
                "Nothing below {k} can fail this test, however small it is."],
    "multiple": ["A remainder of 0 after dividing by {k} means the value is a multiple of {k}; "
                 "0 is a multiple of everything.",
                 "`%` gives the remainder, and a remainder of 0 means {k} divides the value.",
                 "Negative multiples of {k} pass as well, since their remainder is also 0.",
                 "`not {x} % {k}` works because a remainder of 0 counts as false.",
                 "Between 1 and {k}, only {k} itself passes."],
    "not_multiple": ["Any non-zero remainder means {k} does not divide the value.",
                     "`% {k}` gives a remainder from 0 to {k} - 1, and only 0 is rejected.",
                     "Zero never passes, because 0 is a multiple of every number.",
                     "`{x} % {k} > 0` relies on the remainder never being negative when {k} is "
                     "positive.",
                     "This is the opposite of a divisibility test: the multiples of {k} are "
                     "exactly the values it drops."],
    "ends_in": ["`abs` first, so that -{k} also ends in the digit {k}.",
                "`% 10` gives the last decimal digit of a number that is not negative.",
                "Without `abs`, -13 % 10 would be 7 in Python, not 3.",
                "Only the last digit is compared: 7, 17 and 1207 all end in the same digit.",
                "A value passes when its size, divided by 10, leaves {k} over."],
    "small_abs": ["A chained comparison such as `-10 < {x} < 10` reads like mathematics.",
                  "The values -9 to 9 pass, zero included; -10 and 10 do not.",
                  "`abs({x}) < 10` ignores the sign and checks the size alone.",
                  "A single-digit value stays below 10 in size, whatever its sign.",
                  "`abs({x}) <= 9` is the same as 'below 10' for whole numbers."],
    "prime": ["Trying divisors up to the square root is enough: a larger divisor would pair with "
              "a smaller one already tried.",
              "1 is not prime, which is why the test starts with `{x} > 1`.",
              "Negative numbers, 0 and 1 are not prime, and the first condition rules them out "
              "before any division.",
              "`all` stops at the first divisor that leaves no remainder, so most non-primes are "
              "rejected quickly.",
              "`math.isqrt` gives the integer square root exactly, so no rounding can skip a "
              "divisor.",
              "2 is the only even prime; for it the range of divisors is empty, and `all` of "
              "nothing is True.",
              "`any` looks for a divisor, and `not` turns finding one into a rejection."],
    "perfect_square": ["`math.isqrt` is an exact integer square root, with no floating-point "
                       "rounding to worry about.",
                       "The `{x} >= 0` check comes first, because `math.isqrt` raises an error "
                       "for a negative number.",
                       "0 and 1 are perfect squares too: 0 * 0 is 0 and 1 * 1 is 1.",
                       "Squaring the integer square root gives the number back only when the "
                       "number is a perfect square.",
                       "`and` stops early, so a negative value never reaches the square root."],
    "power_two": ["A power of two has one bit set, and `{x} & ({x} - 1)` clears the lowest set "
                  "bit, leaving 0 exactly then.",
                  "`bin({x})` writes the number in base 2, and a power of two has exactly one 1 "
                  "in it.",
                  "1 counts as a power of two, since it is 2 to the power 0.",
                  "The `{x} > 0` part rules out 0 and the negative numbers first.",
                  "Powers of two are 1, 2, 4, 8, 16 and so on: each is double the one before.",
                  "Unlike in C, `&` binds more tightly than `==` in Python, so `{x} & ({x} - 1) "
                  "== 0` needs no extra brackets."],
    "near": ["`abs({x} - {k})` is the distance to {k}, whichever side the value is on.",
             "Both {k} - 5 and {k} + 5 themselves pass: the bound is inclusive.",
             "`{k} - 5 <= {x} <= {k} + 5` is a chained comparison: both halves must hold.",
             "The window around {k} holds 11 whole numbers, from five below to five above.",
             "`-5 <= {x} - {k} <= 5` checks that the difference from {k} is at most 5 either way.",
             "Values on either side of {k} count alike; only the distance matters."],
    "long": ["`len` of a string counts its characters.",
             "The length of a string is the number of characters in it, spaces included.",
             "The comparison is strict, so a word of exactly {k} characters is not long enough.",
             "`{k} < len({x})` puts the bound first; it means a length above {k}.",
             "The empty string has length 0, so it never passes."],
    "short": ["A word of exactly {k} characters still counts as short here.",
              "`<= {k}` keeps words of exactly {k} characters too.",
              "`not len({x}) > {k}` means 'not longer than {k}', another way to write at most {k}.",
              "The empty string has length 0, so it always counts as short.",
              "`len` counts every character, so 'a b' has length 3."],
    "starts": ["`startswith` is case-sensitive: an upper-case letter is a different character.",
               "'Apple' does not start with 'a': case matters to `startswith`.",
               "`startswith` also accepts a longer prefix, or a tuple of prefixes to try.",
               "An empty string starts with no letter, so it never passes.",
               "Unlike indexing the first character, `startswith` does not fail on an empty "
               "string."],
    "ends": ["`endswith` compares the end of the string, and is case-sensitive.",
             "`endswith` looks only at the last characters, so the same letter earlier in the "
             "word does not count.",
             "'Bob' ends with 'b' but does not start with it: case matters.",
             "`endswith` is safe on an empty string and simply returns False.",
             "A plural such as 'cats' ends with 's', which makes this test handy for word "
             "endings."],
    "contains": ["`{k} in {x}` on two strings looks for a substring, here a single letter.",
                 "The letter may be anywhere in the word: at the start, in the middle or at the "
                 "end.",
                 "`{x}.find({k})` returns -1 when the letter is missing, so `>= 0` means it was "
                 "found.",
                 "`{x}.count({k})` says how many times the letter occurs, and any positive number "
                 "means it is there.",
                 "Case matters: 'A' and 'a' are different letters here.",
                 "A word with the letter twice passes just once; the test only asks whether it "
                 "occurs."],
    "exact_len": ["`==` on lengths keeps only words of exactly {k} characters.",
                  "Words one character longer or shorter than {k} both fail.",
                  "`len` counts every character, spaces and punctuation included.",
                  "Only the length is compared; which letters the word has does not matter."],
    "double_letter": ["`zip({x}, {x}[1:])` pairs each letter with the next one.",
                      "`any` stops at the first pair of equal neighbours.",
                      "'letter' passes because of 'tt', but 'level' does not: its repeated "
                      "letters are not side by side.",
                      "`range(len({x}) - 1)` stops one short of the end, so `{x}[i + 1]` never "
                      "runs past it.",
                      "A word of one letter has no neighbouring pair, so it never passes.",
                      "Case matters: in 'Aardvark' the first two letters differ."],
    "lower_word": ["`islower` is False for a string with no letters at all.",
                   "`islower` ignores characters without case, so 'abc1' passes.",
                   "A single capital anywhere, as in 'iPhone', makes the test fail.",
                   "'hello' passes and 'Hello' fails."],
    "isogram": ["A set keeps one copy of each letter, so its size shrinks when a letter repeats.",
                "'moon' fails, since the set of its letters has only three members.",
                "`set({x})` keeps one copy of each character, and the two lengths agree only "
                "when nothing repeats.",
                "Upper- and lower-case letters are different characters here, so 'Aa' passes.",
                "The empty string passes: it repeats nothing."],
    "palindrome": ["`{x}[::-1]` is the string reversed; a palindrome equals its reverse.",
                   "Comparing a word with its reverse, `{x}[::-1]`, tests for a palindrome.",
                   "`{x} == \"\".join(reversed({x}))` compares the word with its characters read "
                   "back to front.",
                   "Case matters: 'Anna' is not a palindrome here, but 'anna' is.",
                   "Every one-letter word is a palindrome, and so is the empty string."],
    "capital": ["`{x}[:1]` is safe on an empty string, where indexing position 0 would raise "
                "IndexError.",
                "Only the first character is checked: 'McDonald' and 'Mary' both pass.",
                "`isupper` is False for a digit, so '3rd' does not count as capitalised.",
                "An empty string has no first letter: its slice is '' and `isupper` gives False."],
    "vowel_start": ["`.lower()` first, so that capitalised words count too.",
                    "An empty string would pass: '' is a substring of every string, including "
                    "'aeiou'.",
                    "`in \"aeiou\"` looks the first letter up among the five vowels; 'y' does "
                    "not count.",
                    "Only the first letter matters: 'apple' and 'Orange' pass, 'banana' does "
                    "not."],
    "vowel": ["`{x}.lower()` first makes 'A' count as a vowel.",
              "The test looks `{x}.lower()` up in the string 'aeiou'.",
              "`\"aeiouAEIOU\"` lists both cases, so no lower-casing is needed.",
              "'y' is not counted as a vowel, and neither are digits or spaces.",
              "Capital vowels count as well as small ones."],
    "consonant": ["`isalpha` rules out digits, spaces and punctuation before the vowel test.",
                  "`not in` is the negated membership test: true when the character is not "
                  "among the vowels.",
                  "'y' counts as a consonant here, since only a, e, i, o and u are vowels.",
                  "Capital consonants such as 'B' count too.",
                  "A character must pass both halves of the `and`: be a letter, and not a "
                  "vowel."],
    "digit": ["`isdigit` is True for the characters '0' to '9'.",
              "`{x} in \"0123456789\"` looks the character up in a string of all ten digits.",
              "A minus sign or a decimal point is not a digit.",
              "The digits are still characters here: '7' is a string, not the number 7."],
    "upper": ["`isupper` is False for characters that have no case, such as digits.",
              "'A' passes and 'a' fails; a space or a digit fails too.",
              "`isupper` looks at case only, so it needs a cased character to return True.",
              "Only capital letters pass, whatever comes before or after them in the text."],
    "letter": ["`isalpha` keeps letters and drops spaces, digits and punctuation.",
               "Letters with accents, such as 'é', count as alphabetic too.",
               "A space is not a letter, so the gaps between words are dropped.",
               "`isalpha` on one character answers whether it is a letter of some alphabet."],
    "not_space": ["Only the space character is dropped; tabs would stay.",
                  "`!=` compares with a single space, so letters, digits and punctuation all "
                  "pass.",
                  "Two spaces in a row are two characters, and both are dropped.",
                  "A newline is not the space character, so it would pass."],
    "symbol": ["`isalnum` is True for letters and digits; what is left, minus spaces, is "
               "punctuation.",
               "`isspace` is True for spaces, tabs and newlines, and `not` turns that around.",
               "'!', '?' and '-' pass; 'a', '7' and ' ' do not.",
               "A character counts as a symbol when it is neither a letter, a digit nor white "
               "space."],
    "late": ["Comparing with 'n' splits the lower-case alphabet into two halves.",
             "`.lower()` comes first, so 'N' and 'n' are treated alike.",
             "'n' itself belongs to the second half, because the comparison includes it.",
             "Digits and most punctuation come before 'a' in the code table, so they never pass.",
             "Strings compare character by character by code point, and 'n' is code point 110."],
    "early": ["Strings compare by code point, so 'a' < 'n' is True.",
              "'n' itself fails the strict comparison, so 'm' is the last letter that passes.",
              "`.lower()` makes 'B' and 'b' land on the same side.",
              "Digits and spaces have smaller code points than any letter, so they pass too."],
    "square": ["Squaring makes every result non-negative.",
               "The square of a negative number is positive.",
               "`{x} ** 2` uses the power operator; multiplying the value by itself gives the "
               "same.",
               "`{x} * {x}` multiplies the value by itself, which is all squaring is.",
               "Squares grow quickly: 10 becomes 100 and 100 becomes 10000.",
               "-3 and 3 have the same square, 9, so different values can map to one result."],
    "double": ["Doubling keeps the sign.",
               "`{x} * 2` gives the same result as adding the value to itself.",
               "`{x} + {x}` adds the value to itself, which is the same as multiplying by 2.",
               "`2 * {x}` puts the factor first; integer multiplication does not care about "
               "order.",
               "Doubled values are always even, whatever they were before.",
               "0 stays 0 when doubled, and every other value moves away from zero."],
    "scale": ["Multiplying by {k} scales every value the same way.",
              "Every value is multiplied by the same factor, {k}.",
              "The order of the factors does not matter: `{k} * {x}` is {x} times {k}.",
              "Zero stays zero, and negative values stay negative when {k} is positive.",
              "`*` on integers gives an exact integer, however large."],
    "shift": ["Adding {k} moves every value up by the same amount.",
              "`+ {k}` shifts each value up by {k}.",
              "The differences between the values do not change when all of them are shifted.",
              "A shift can carry a negative value past zero: -1 plus 5 is 4.",
              "Addition does not care about order, so `{k} + {x}` is the same as adding {k} to "
              "the value."],
    "minus": ["Subtracting {k} can make small values negative.",
              "`- {k}` lowers every value by the same amount, so their order stays the same.",
              "The gaps between the values are unchanged by subtracting the same number from "
              "each.",
              "Adding {k} back would give the original values again."],
    "abs": ["`abs({x})` drops the sign and leaves positive values alone.",
            "-5 and 5 both become 5.",
            "`{x} if {x} >= 0 else -{x}` keeps values that are not negative and negates the "
            "others.",
            "`max({x}, -{x})` picks whichever of the value and its negative is not below zero.",
            "0 stays 0, and no result is ever negative."],
    "negate": ["Negating flips the sign, and 0 stays 0.",
               "Negating twice gives the original value back.",
               "`-1 * {x}` multiplies by minus one, the same as writing a minus in front.",
               "`0 - {x}` subtracts the value from zero, which flips its sign.",
               "After negation the largest value becomes the smallest, so their order is "
               "reversed."],
    "last_digit": ["`abs({x}) % 10` is the last decimal digit, whatever the sign.",
                   "`str({x})[-1]` is the last character of the number written out, and `int` "
                   "turns it back into a digit.",
                   "The last digit of -47 is 7; the sign plays no part.",
                   "Every result is between 0 and 9.",
                   "Numbers ending in 0, such as 30, give 0."],
    "halve": ["`//` is floor division: -3 // 2 is -2, not -1.",
              "Floor division rounds towards minus infinity, not towards zero.",
              "The result is always an int: `// 2` never produces a float such as 3.5.",
              "Odd values lose their remainder: 7 halves to 3.",
              "Two neighbouring values, such as 6 and 7, give the same half."],
    "cube": ["Cubes keep the sign of the value.",
             "`{x} ** 3` uses Python's power operator; a caret would mean bitwise exclusive or.",
             "`pow({x}, 3)` is the function form of the power operator.",
             "`{x} * {x} * {x}` multiplies the value by itself twice over.",
             "Cubes grow even faster than squares: 10 cubed is 1000.",
             "Unlike squaring, cubing keeps different values different."],
    "mod": ["`% {k}` always gives a value from 0 to {k} minus one.",
            "The remainder after dividing by {k} lies between 0 and {k} - 1.",
            "For a negative value the remainder is still not negative in Python: -1 % {k} is "
            "{k} - 1.",
            "Values that differ by a multiple of {k} get the same remainder.",
            "Every multiple of {k} maps to 0."],
    "clip": ["`min({x}, {k})` caps values at {k} and leaves smaller ones unchanged.",
             "Taking the smaller of the value and {k} means nothing can end up above {k}.",
             "Values below {k} pass through unchanged, and {k} itself stays {k}.",
             "`{x} if {x} < {k} else {k}` spells out the same cap with a conditional expression.",
             "It may look odd that `min` sets an upper limit, but the smaller of two numbers is "
             "never above either.",
             "Every value above {k} turns into the same number, {k}, so the difference between "
             "them is lost."],
    "floor0": ["The conditional expression `{x} if {x} > 0 else 0` chooses per value.",
               "`max` with 0 turns every negative value into 0 and keeps the rest.",
               "Positive values pass unchanged; zero and negative values all become 0.",
               "No result is ever negative after this step.",
               "-7 becomes 0, while 7 stays 7."],
    "digit_sum": ["`str(abs({x}))` lists the digits, and `int` turns each one back into a number.",
                  "The sign is dropped first, since '-' is not a digit.",
                  "The digit sum of 472 is 4 + 7 + 2, which is 13.",
                  "`map(int, str(abs({x})))` applies `int` to every character of the number "
                  "written out.",
                  "`int(c)` converts one character at a time, and `sum` adds the results.",
                  "A number with d digits has a digit sum of at most 9 times d."],
    "sign": ["True and False count as 1 and 0, so `({x} > 0) - ({x} < 0)` gives the sign.",
             "The result is -1, 0 or 1, whatever the size of the value.",
             "`1 if {x} > 0 else -1 if {x} < 0 else 0` chains two conditional expressions.",
             "Only zero maps to 0; -250 and -1 both map to -1.",
             "After this map the size is gone and only the sign is left."],
    "distance": ["`abs` makes the difference non-negative.",
                 "The distance is the same whichever of the two numbers is subtracted first.",
                 "{k} - 3 and {k} + 3 are both 3 away from {k}.",
                 "Only {k} itself has distance 0."],
    "round_down": ["`{x} // {k} * {k}` drops the remainder; with floor division negative values "
                   "go further down.",
                   "`{x} - {x} % {k}` subtracts the remainder, landing on a multiple of {k}.",
                   "Values that are already multiples of {k} stay as they are.",
                   "Rounding down moves towards minus infinity, so a negative value becomes "
                   "more negative, not closer to zero.",
                   "Every value between two multiples of {k} lands on the lower one."],
    "label": ["An f-string such as `f\"#{{{x}}}\"` puts the value in braces into the text.",
              "The number becomes text with a '#' in front, so 7 turns into '#7'.",
              "`str({x})` converts the number first, because `+` cannot join a string and an "
              "int.",
              "`.format` fills the empty braces in the template with the number.",
              "After this map the values are strings, so they no longer add or sort like "
              "numbers.",
              "Negative numbers keep their sign: -3 becomes '#-3'."],
    "padded": ["`zfill` pads on the left with zeros, after a minus sign if there is one.",
               "A number that already has {k} or more characters is left as it is.",
               "`str` comes first because `zfill` is a string method.",
               "7 padded to width 3 is '007'."],
    "binary": ["`format({x}, \"b\")` writes the number in base 2 without the 0b prefix that "
               "bin adds.",
               "`f\"{{{x}:b}}\"` uses the format spec b, which asks for base 2.",
               "5 is written '101' and 8 is '1000'.",
               "Negative numbers keep a minus sign in front of the binary digits: -5 gives "
               "'-101'.",
               "The result is a string of binary digits, not a number."],
    "money": ["The format spec `.2f` always shows two digits after the decimal point.",
              "Dividing by 100 turns cents into whole units, so 250 becomes '2.50'.",
              "The trailing zero is kept: 5 cents is written '0.05' and 10 cents '0.10'.",
              "`\"%.2f\"` is old-style formatting: the `%` after it fills in the value and is "
              "not a remainder.",
              "The result is text, ready to print but no longer a number."],
    "upper_map": ["`upper` returns a new string; the original is unchanged.",
                  "Strings are immutable: `upper` builds a new one.",
                  "Characters without case, such as digits and '-', are left alone.",
                  "'Straße' becomes 'STRASSE': upper case can even change a word's length.",
                  "A word that is already in capitals comes back unchanged."],
    "title": ["`capitalize` also lower-cases the rest of the word.",
              "'mcDonald' becomes 'Mcdonald': `capitalize` lower-cases everything after the "
              "first letter.",
              "A word starting with a digit, such as '3D', gets no capital: it becomes '3d'.",
              "Only the first character is raised to upper case, so 'new york' becomes "
              "'New york'."],
    "reverse": ["A slice with step -1, `[::-1]`, reverses any sequence.",
                "`[::-1]` walks the string from the end to the start.",
                "`\"\".join(reversed({x}))` reads the characters back to front and glues them "
                "into a string again.",
                "Reversing twice gives the original word back.",
                "'stressed' reversed is 'desserts'.",
                "A palindrome such as 'level' comes out unchanged."],
    "first": ["`{x}[:1]` gives '' for an empty string instead of failing.",
              "Slicing with `[:1]` cannot fail, even on an empty string.",
              "The result is a string of at most one character; Python has no separate "
              "character type.",
              "Case is kept: 'Paris' gives 'P' and 'paris' gives 'p'."],
    "last": ["`{x}[-1:]` is the last character, or '' for an empty string.",
             "Negative positions count from the end, so `[-1:]` starts at the last character.",
             "'cat' gives 't', and a one-letter word gives itself.",
             "Indexing with -1 would fail on an empty string; the slice gives '' instead."],
    "length": ["`len` turns each word into a number, so what follows works on integers.",
               "After `len`, the values are numbers, not strings.",
               "Spaces and punctuation inside a string count towards its length.",
               "The empty string has length 0."],
    "vowels": ["In `sum(1 for c in {x} if c in \"aeiou\")` every vowel adds 1 to the count.",
               "Only small vowels are counted: the test is case-sensitive, so 'A' is skipped.",
               "`sum(c in \"aeiou\" for c in {x})` adds up booleans, and each True counts as 1.",
               "`len([c for c in {x} if c in \"aeiou\"])` builds the list of vowels and measures "
               "it.",
               "'y' is not counted as a vowel.",
               "A word without vowels, such as 'rhythm', gives 0."],
    "prefix": ["Slicing past the end is safe: a short word is kept whole.",
               "`[:{k}]` keeps the first {k} characters, at positions 0 to {k} - 1.",
               "Cutting to three characters turns 'python' into 'pyt'.",
               "The slice is a new string; the word itself is unchanged."],
    "suffix": ["`+` on strings makes a new, longer string.",
               "{k} is added after the last character of each word.",
               "Every result is exactly one character longer than the word it came from.",
               "The order matters: `{x} + {k}` puts the letter at the end, not the start."],
    "lower": ["`lower` returns a new string; the original is unchanged.",
              "'Hello World' becomes 'hello world'; digits and spaces do not change.",
              "Lower-casing makes words that differ only in case equal: 'Apple' and 'apple' "
              "both become 'apple'.",
              "A word that is already in lower case comes back unchanged."],
    "no_vowels": ["`join` glues back together only the characters that pass the test.",
                  "Capital vowels are removed too.",
                  "A word made only of vowels, such as 'aie', becomes the empty string.",
                  "'y' stays, since it is not one of the vowels.",
                  "`c.lower()` makes 'E' and 'e' count alike."],
    "bracketed": ["String concatenation with `+`, as in `\"<\" + {x}`, builds a new string each "
                  "time.",
                  "Each word gains two characters, one at each end.",
                  "An empty string becomes '<>'.",
                  "`f\"<{{{x}}}>\"` puts the word between the brackets inside an f-string.",
                  "`.format` fills the braces of the template with the word."],
    "with_len": ["Inside an f-string any expression works, such as `{{len({x})}}`.",
                 "'fig' becomes 'fig:3'.",
                 "`str(len({x}))` turns the length into text, since `+` only joins strings.",
                 "The number after the colon counts every character of the word."],
    "middle": ["`{x}[1:-1]` drops one character at each end; a word of two letters becomes ''.",
               "'cat' becomes 'a', and a one-letter word also becomes ''.",
               "Every result is two characters shorter, or empty for very short words.",
               "The slice starts at position 1 and stops just before the last character."],
    "centred": ["`center` pads on both sides and leaves a word that is already long enough alone.",
                "When the padding is odd, the extra star goes on one side only.",
                "`\"*\"` is the fill character; without it, `center` would pad with spaces.",
                "Every result is at least {k} characters long."],
    "char_lower": ["`lower` leaves characters without case, such as digits, unchanged.",
                   "'Q' becomes 'q', and 'q' stays as it is.",
                   "`lower` returns a new one-character string; strings cannot be changed in "
                   "place.",
                   "Digits, spaces and punctuation come out unchanged."],
    "char_upper": ["`upper` on a single character gives its capital form.",
                   "Capitals, and characters without case, stay as they are.",
                   "'ß' is the exception: its upper-case form is the two letters 'SS'.",
                   "'q' becomes 'Q', while '7' and '!' stay the same."],
    "swap": ["`swapcase` turns capitals into small letters and the other way round.",
             "'a' becomes 'A' and 'B' becomes 'b'; a digit stays a digit.",
             "For ordinary letters, swapping twice gives the original character back.",
             "Characters without case, such as spaces, pass through unchanged."],
    "code": ["`ord` gives a character's Unicode code point; chr is its inverse.",
             "`ord` of 'A' is 65, and of 'a' it is 97.",
             "A space has code 32, and the digits '0' to '9' have codes 48 to 57.",
             "After this map the values are integers, so they can be added or compared as "
             "numbers.",
             "Capital letters have smaller codes than small letters, which is why 'Z' sorts "
             "before 'a'."],
    "twice": ["Multiplying a string by 2, as in `{x} * 2`, repeats it.",
              "Every character becomes a two-character string: 'a' turns into 'aa'.",
              "`{x} + {x}` concatenates the character with itself.",
              "`2 * {x}` repeats the string too; the order of the factors does not matter.",
              "A space doubled is two spaces."],
}


LEADS = ["Task: {s}", "{s}", "Our next function, `{f}`: {s}", "Suppose we need this: {s}",
         "The job: {s}", "Here is the problem. {s}", "Next problem. {s}", "`{f}` solves this: {s}",
         "A common request: {s}", "Problem statement: {s}", "What we want: {s}",
         "The goal of `{f}`: {s}", "A small task. {s}", "Consider this request: {s}",
         "Here is what `{f}` must do. {s}", "Another one. {s}", "The specification: {s}",
         "Someone asks for this: {s}", "Brief: {s}"]
LEADS_DOC = ["The next function is `{f}`.", "Here is `{f}`.", "Next comes `{f}`.",
             "Read `{f}` first; its docstring says what it does.", "Now `{f}`.",
             "The docstring of `{f}` states the task.", "Look at `{f}` below.",
             "Our next example is called `{f}`.", "Meet `{f}`.", "Consider `{f}`.",
             "`{f}` comes next; the docstring explains it.", "Let us read `{f}`.",
             "Now for `{f}`, documented in its docstring.", "On to `{f}`."]
EDGE = ["Edge case: the result is {e}.", "Note the empty case: {e}.", "It returns {e}.",
        "Nothing to work with? Then the answer is {e}.", "And the corner case: {e}.",
        "With an empty selection you get {e}.", "Corner case: {e}.",
        "Watch the empty case, which gives {e}.", "If nothing is selected, that is {e}."]
PRACTICE_ITEMS = ["Write `{f}`. {s}", "Write `{f}`. {s}", "Implement `{f}`. {s}",
                  "Define `{f}`. {s}", "`{f}`: {s}", "Write a function `{f}`. {s}",
                  "Code `{f}`. {s}", "Now `{f}`. {s}", "Fill in `{f}`. {s}",
                  "Create `{f}`. {s}", "A function `{f}`. {s}"]
PRACTICE = ["Practice", "Your turn", "Exercises", "Try these", "Now write your own",
            "Practice problems", "Over to you", "Things to try"]


CHECK_NOTES = ["The comparison with {K} turns that number into True or False.",
               "Comparing with {K} makes the answer a boolean.",
               "The final comparison against {K} gives True or False.",
               "Instead of the number itself, the function reports how it compares with {K}.",
               "The number itself is never returned; only the result of comparing it with {K} "
               "is.",
               "A comparison is an expression, so it can stand directly after `return`.",
               "Returning the comparison directly is shorter than an if statement with a True "
               "branch and a False branch.",
               "The threshold {K} is written into the code, so another threshold would need "
               "another function or a parameter.",
               "A caller that also needs the number itself would rather get the number and compare "
               "it with {K} on its own side."]
SOURCE_CODE = {s.key: s.loop[1] for s in SOURCES}
# What to say about a source written in its other FORM.
HOW_FORM = {
    "countdown": ["`reversed(range(1, {a} + 1))` gives `{a}`, `{a}` - 1, ..., 1: the same numbers "
                  "as counting up, read from the top.",
                  "`reversed` walks the range backwards without building a list.",
                  "For `{a}` of 0 or less the range is empty, and so is its reverse.",
                  "The numbers are the same as counting up to `{a}`, taken last first.",
                  "A range knows its own length, so `reversed` can start from its end at once."],
    "common": ["The `intersection` method accepts any iterable, so `{b}` need not be turned into "
               "a set first.", "The method `intersection` keeps the values found in both lists.",
               "A value repeated in either list is kept only once.",
               "`sorted` then returns the shared values as a list in increasing order.",
               "If the lists share no value, the intersection is empty and nothing is left."],
    "only_first": ["`set({a}).difference({b})` keeps the values that `{b}` lacks.",
                   "The method `difference` is the spelled-out form of the minus operator on "
                   "sets.",
                   "`difference` accepts any iterable, so `{b}` is not converted by hand.",
                   "Values of `{b}` that `{a}` lacks make no difference to the result.",
                   "Each value left over appears once, and `sorted` lists them in increasing "
                   "order."],
    "either": ["`set({a}).union({b})` merges the two lists and drops repeats.",
               "The method `union` is the spelled-out form of the union operator on sets.",
               "A word found in both lists appears once in the result.",
               "`sorted` puts the merged words in alphabetical order, capitals first.",
               "`union` accepts any iterable, so `{b}` need not be a set."],
    "csv": ["`split(',')` cuts the line at every comma, keeping empty fields.",
            "Unlike splitting on whitespace, splitting on a comma keeps spaces and empty fields.",
            "A line without commas gives a single field, the whole line.",
            "An empty line gives one empty field, not an empty list.",
            "Single or double quotes make no difference to the separator: ',' and \",\" are the "
            "same string."],
    "keys_of": ["`.keys()` is a view of the dictionary's keys, in insertion order.",
                "Looping over `{a}.keys()` is the same as looping over `{a}`.",
                "Calling `.keys()` is optional here: iterating over the dictionary itself gives "
                "the same keys.",
                "The keys of a dictionary are unique, so each {x} appears once.",
                "The values stored under the keys are never read."],
}


def shows(note, code):
    """Whether every piece of code a note quotes is in `code`; a piece that starts or ends with
    a name character must not be part of a longer name there (`sum` is not in `digit_sum`)."""
    return all(re.search((r"(?<!\w)" if re.match(r"\w", f) else "") + re.escape(f)
                         + (r"(?!\w)" if re.match(r".*\w$", f) else ""), code)
               for f in re.findall(r"`([^`]+)`", note))


def make_lesson(seed, index, audience):
    """A composed lesson: markdown text plus checks [(program, expected stdout)]."""
    r = random.Random(f"{seed}:compose-lesson:{index}")
    who, ctx, words = audience
    n = r.randint(2, 4)
    parts = [f"## {r.choice(LESSON_TITLES)}\n",
             r.choice(LESSON_INTROS).format(who=who, Who=who[0].upper() + who[1:], n=n, ctx=ctx)
             + "\n"]
    checks, ops = [], []
    for _ in range(n):
        c = Composed(r, who, ctx, words, doc_style=r.choice(["plain", "plain", "google", "sphinx"]))
        with_doc = r.random() < 0.5
        code = c.source(with_doc=with_doc, n_examples=0, r=r)
        shown = list(zip(c.inputs, c.outputs))[:r.randint(2, 4)]
        calls = "\n".join(f"print({call_repr(c.fname, a, c.quote)})" for a, _ in shown)
        printed = "".join(f"{o}\n" for _, o in shown)
        x, k = c.names["x"], c.names["k"]
        src = c.task.source
        own = src.loop[1] == SOURCE_CODE[src.key]
        shown_code = requote(c.body, c.quote)

        def fitting(sentences, **fields):
            """The wordings that quote only code this body shows, as the lesson prints both."""
            done = [s_.format(**fields) for s_ in sentences]
            return [s_ for s_ in done if shows(requote_spans(s_, c.quote), shown_code)]

        said = fitting(HOW_SOURCE[src.key] if own else HOW_FORM[src.key],
                       a=c.names["a"], b=c.names.get("b"), x=x)
        how = [r.choice(said)] if said else []
        for op in (c.task.test, c.task.map):
            if op and r.random() < 0.8:
                key = "upper_map" if op is c.task.map and op.key == "upper" else op.key
                for part in key.split("+")[::2]:  # a combined test has a note for each half
                    said = fitting(NOTES[part], x=x, k=k)
                    if said:
                        how.append(r.choice(said))
                if "+" in key:
                    how.append(f"With `{key.split('+')[1]}`, " + (
                        "both tests must hold." if "+and+" in key else "either test is enough."))
        said = fitting(HOW_AGG[c.task.agg.key])
        if said:
            how.append(r.choice(["Finally, ", "At the end, ", "Last, ", "To finish, ", "Lastly, ",
                                 "In the last step, ", "As for the answer, ", "At the very end, "])
                       + r.choice(said) + ".")
        said = fitting(CHECK_NOTES, K=c.task.check[1]) if c.task.check else []
        if said:
            how.append(r.choice(said))
        said = fitting(HOW_STYLE[c.style])
        if said:
            how.append(r.choice(said))
        how = [requote_spans(h, c.quote) for h in how]  # the notes quote code as it is written
        which = r.randrange(len(shown))
        traced = trace(r, c, *shown[which], which=which, of=len(shown))
        # the task in words, unless the docstring already says it
        lead = r.choice(LEADS).format(s=c.summary, f=c.fname) if not with_doc \
            else r.choice(LEADS_DOC).format(f=c.fname)
        title = r.choice([f"`{c.fname}`", c.fname.replace("_", " ").capitalize()])
        if r.random() < 0.35:  # calls and output as two blocks
            run = (r.choice(["Let us try it:", "Running it:", "A few calls:", "Some calls:",
                             "Trying it on a few inputs:", "To check it, we call it a few times:",
                             "Time to run it:", "We can test it like this:", "Calling it:",
                             "Here it is in use:", "A quick test:"])
                   + f"\n\n```python\n{calls}\n```\n\n"
                   + r.choice(["Output:", "This prints:", "The output is:", "Printed:",
                               "Result:", "We see:", "On screen:", "It prints:"])
                   + f"\n\n```\n{printed}```\n")
        else:  # an interactive session
            session = "".join(f">>> {call_repr(c.fname, a, c.quote)}\n{o!r}\n" if o is not None
                              else f">>> print({call_repr(c.fname, a, c.quote)})\nNone\n"
                              for a, o in shown)
            run = r.choice(["In the interpreter:", "An interactive session:", "At the prompt:",
                            "In a Python shell:", "Trying it interactively:", "In the REPL:",
                            "Interactively:", "From the Python prompt:"]) \
                + f"\n\n```pycon\n{session}```\n"
        if not c.task.check and r.random() < 0.35:  # the empty case, from the aggregate's row
            how.append(r.choice(EDGE).format(e=c.task.agg.empty))
        shape = r.random()  # the explanation as a paragraph, a list, or after the run
        if shape < 0.5:
            md = (f"### {title}\n\n{lead}\n\n```python\n{code}```\n\n" + " ".join(how)
                  + "\n\n" + run + f"\n{traced}\n")
        elif shape < 0.75:
            md = (f"### {title}\n\n{lead}\n\n```python\n{code}```\n\n"
                  + r.choice(["How it works:", "Points to notice:", "What to look at:",
                              "Reading it line by line:", "Notes:", "Things to see here:",
                              "Worth noticing:", "Details:"]) + "\n\n"
                  + "".join(f"- {h}\n" for h in how) + "\n" + run + f"\n{traced}\n")
        else:
            md = (f"### {title}\n\n{lead}\n\n```python\n{code}```\n\n" + run + f"\n{traced} "
                  + r.choice(["Why it works: ", "Some details. ", "A closer look: ", "",
                              "Under the hood: ", "In more detail: ", "How so? "])
                  + " ".join(how) + "\n")
        checks.append((code + "\n" + calls + "\n", printed))
        if r.random() < 0.25:  # the same task in another style, run against the same calls
            other = r.choice([s for s in STYLES if s != c.style])
            alt_body, used = render_body(c.task, c.names, other)
            if alt_body != c.body:
                alt = c.source(with_doc=False, body=alt_body)
                md += f"\n{r.choice(SAME_AS[used] + SAME_AS_ANY)}\n\n```python\n{alt}```\n"
                checks.append((alt + "\n" + calls + "\n", printed))
        parts.append(md)
        ops.append(c.ops)
    practice = []
    for k in range(1, r.randint(2, 4)):
        c = Composed(r, who, ctx, words)
        args = ", ".join(n_ for n_, _ in c.params())
        practice.append(f"{k}. " + r.choice(PRACTICE_ITEMS).format(f=f"{c.fname}({args})",
                                                                   s=c.summary))
    parts.append(f"### {r.choice(PRACTICE)}\n\n" + "\n".join(practice)
                 + "\n")
    return {"text": "\n".join(parts), "topic": "composed pipelines", "audience": who,
            "families": ["composed"], "ops": ops, "checks": checks}
