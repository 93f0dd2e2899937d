"""The curriculum behind data_gen.py: concept families, audiences and phrasing, and the two
renderers that turn them into a synthetic textbook lesson or a synthetic exercise.

phi-1's synthetic data came from GPT-3.5 prompted with topics and target audiences (textbooks)
and with constrained function names (exercises), docs/paper.md "Data". Here the "model" is a seeded
template engine instead: every family below is one programming concept, written as a few
alternative function bodies, a few docstring phrasings, a pool of function and argument names,
and an input generator. Diversity comes from the same knobs the paper turned: topic (family),
audience (which also picks the vocabulary of the values), function names, argument names,
phrasing and values.

What this covers: 96 function families and 7 small-class families over 11 topics (strings,
lists, dicts and sets, arithmetic and number theory, recursion, sorting and searching, iteration
patterns, small classes, error handling, parsing, conversions), 60 audiences (audiences.py),
written from general programming knowledge.
None of it was derived from HumanEval; data_gen.py's decontamination step checks that claim
on every run. data_gen.py mixes these families with compose.py's composed tasks (the larger
share); the audiences below serve both. What it does not cover: anything a template cannot
say. Prose is recombined, not written, so its diversity is far below an LLM's;
`data_gen.py stats` measures by how much.

Template language: in bodies, signatures and docstrings `$a`, `$b`, `$c` stand for the
argument names and `$f` for the function name (for recursion). Bodies (and class code) are
written as indented multi-line strings, so they read as code; `fam` and `ClassFamily` remove
that indentation, and the renderer indents bodies again inside their `def`. The expected
outputs in docstrings and tests are computed by running the rendered body itself, so a family
can only be wrong by having its variants disagree, which tests/test_data_gen.py checks for
every family.
"""
import ast
import contextlib
import copy
import io
import random
import re
import string
import textwrap
from dataclasses import dataclass, field

import audiences

# ----------------------------------------------------------------------------
# audiences: who the text is written for, what they care about, and the words their values use

AUDIENCES = [(a.who, a.ctx, a.words) for a in audiences.AUDIENCES]  # the table: audiences.py

# ----------------------------------------------------------------------------
# value generators shared by the families (r is a random.Random, w the audience's words)

def ints(r, lo=-20, hi=50, nmin=0, nmax=8):
    return [r.randint(lo, hi) for _ in range(r.randint(nmin, nmax))]

def sentence(r, w, nmin=1, nmax=6):
    return " ".join(r.choice(w) for _ in range(r.randint(nmin, nmax)))

def word(r, w):
    return r.choice(w)

def words(r, w, nmin=0, nmax=6):
    return [r.choice(w) for _ in range(r.randint(nmin, nmax))]

def palindromic(r, w):
    s = r.choice(w)
    return r.choice([s, s + s[::-1], s[:-1] + s[::-1],
                     r.choice(["level", "radar", "noon", "refer"])])

def sorted_ints(r):
    return sorted(set(ints(r, 0, 60, 0, 10)))

def small_dict(r, w, vlo=0, vhi=20):
    return {r.choice(w): r.randint(vlo, vhi) for _ in range(r.randint(0, 5))}

# ----------------------------------------------------------------------------
# the families

@dataclass
class Family:
    key: str                 # unique id of the concept
    topic: str               # one of TOPICS
    names: list              # candidate function names
    args: list               # per argument, candidate names ($a, $b, $c in order)
    sig: str                 # parameter list with annotations, e.g. "$a: str, $b: int"
    ret: str                 # return annotation
    doc: list                # docstring summaries (one is picked)
    bodies: list             # alternative correct bodies (one is picked)
    gen: object              # gen(r, w) -> tuple of argument values
    idea: list               # textbook prose explaining the concept (one is picked)
    imports: str = ""        # import lines the solution needs
    aliases: list = field(default_factory=list)


F = []


def fam(**kw):
    """Add a family. Bodies are written as indented multi-line strings; here they lose the
    indentation and the blank first and last lines."""
    kw["bodies"] = [textwrap.dedent(b).strip("\n") for b in kw["bodies"]]
    F.append(Family(**kw))

# ---- strings
fam(key="reverse_words", topic="strings",
    names=["reverse_words", "flip_word_order", "words_backwards", "reverse_sentence"],
    args=[["sentence", "text", "phrase", "line"]], sig="$a: str", ret="str",
    doc=["Return $a with the order of its words reversed.",
         "Reverse the order of the space-separated words in $a.",
         "Give back the words of $a from last to first, joined by single spaces."],
    bodies=[
        """
        return " ".join(reversed($a.split()))
        """,
        """
        words = $a.split()
        # a slice with step -1 walks the list from its end
        return " ".join(words[::-1])
        """,
        """
        result = []
        for w in $a.split():
            result.insert(0, w)
        return " ".join(result)
        """],
    gen=lambda r, w: (sentence(r, w),),
    idea=["Splitting a string on whitespace turns it into a list of words. Once we have a list, "
          "reversing it is easy, and `join` glues the pieces back into one string.",
          "Many text problems become list problems: `split` breaks a sentence into words, we "
          "rearrange the list, and `' '.join` rebuilds the sentence."])
fam(key="count_vowels", topic="strings",
    names=["count_vowels", "vowel_count", "number_of_vowels", "tally_vowels"],
    args=[["word", "text", "s", "name"]], sig="$a: str", ret="int",
    doc=["Count how many vowels (a, e, i, o, u) appear in $a.",
         "Return the number of vowels in the lowercase string $a.",
         "How many of the letters in $a are vowels?"],
    bodies=[
        """
        return sum(1 for ch in $a if ch in "aeiou")
        """,
        """
        count = 0
        for ch in $a:
            # membership in a string checks each of its characters
            if ch in "aeiou":
                count += 1
        return count
        """,
        """
        return len([ch for ch in $a if ch in "aeiou"])
        """],
    gen=lambda r, w: (r.choice([word(r, w), sentence(r, w, 1, 3), ""]),),
    idea=["A string is a sequence of characters, so a `for` loop visits them one at a time. "
          "Counting is then a matter of keeping a running total of the characters that pass a "
          "test.",
          "The `in` operator asks whether a character belongs to a collection. With a string of "
          "vowels as the collection, it becomes a compact vowel test."])
fam(key="is_palindrome", topic="strings",
    names=["is_palindrome", "reads_same_backwards", "palindrome_check", "is_mirror_word"],
    args=[["word", "text", "s", "candidate"]], sig="$a: str", ret="bool",
    doc=["Return True if $a reads the same forwards and backwards.",
         "Check whether $a is a palindrome.", "Decide if reversing $a leaves it unchanged."],
    bodies=[
        """
        return $a == $a[::-1]
        """,
        """
        left, right = 0, len($a) - 1
        # walk inwards from both ends, comparing pairs
        while left < right:
            if $a[left] != $a[right]:
                return False
            left += 1
            right -= 1
        return True
        """],
    gen=lambda r, w: (r.choice([palindromic(r, w), word(r, w)]),),
    idea=["A palindrome is a word that reads the same in both directions. Slicing with a step "
          "of -1 produces the reversed string, so one comparison settles the question.",
          "Two indices, one at each end, can walk towards the middle. If every pair of "
          "characters they meet is equal, the word is a palindrome."])
fam(key="capitalize_words", topic="strings",
    names=["capitalize_words", "title_case", "make_title", "upper_first_letters"],
    args=[["sentence", "text", "heading", "phrase"]], sig="$a: str", ret="str",
    doc=["Return $a with the first letter of every word in upper case.",
         "Capitalise each space-separated word of $a.",
         "Turn $a into a title: each word starts with a capital letter."],
    bodies=[
        """
        return " ".join(w[:1].upper() + w[1:] for w in $a.split())
        """,
        """
        parts = []
        for w in $a.split():
            # w[:1] is safe even for an empty word
            parts.append(w[:1].upper() + w[1:])
        return " ".join(parts)
        """],
    gen=lambda r, w: (sentence(r, w),),
    idea=["Strings are immutable: we never change a word in place, we build a new one. Taking "
          "the first character, upper-casing it and adding the rest is a common recipe.",
          "A generator expression inside `join` transforms every word and reassembles the "
          "sentence in one line."])
fam(key="char_frequency", topic="strings",
    names=["char_frequency", "letter_counts", "count_characters", "character_histogram"],
    args=[["word", "text", "s"]], sig="$a: str", ret="dict",
    doc=["Return a dictionary mapping each character of $a to how often it occurs.",
         "Count the occurrences of every character in $a.",
         "Build a frequency table of the characters in $a, in order of first appearance."],
    bodies=[
        """
        counts = {}
        for ch in $a:
            counts[ch] = counts.get(ch, 0) + 1
        return counts
        """,
        """
        counts = {}
        for ch in $a:
            # the first time we see a character it is not a key yet
            if ch not in counts:
                counts[ch] = 0
            counts[ch] += 1
        return counts
        """],
    gen=lambda r, w: (r.choice([word(r, w), word(r, w) + word(r, w), ""]),),
    idea=["A dictionary is the natural home for counts: the character is the key and the count "
          "is the value. `dict.get` with a default of 0 handles characters we have not seen "
          "yet.",
          "Counting with a dictionary is one of the most useful patterns in Python: look the "
          "key up, add one, store it back."])
fam(key="compress_runs", topic="strings",
    names=["compress_runs", "run_length_encode", "encode_runs", "squeeze_repeats"],
    args=[["s", "text", "pattern"]], sig="$a: str", ret="str",
    doc=["Run-length encode $a: every run of equal characters becomes the character followed by "
         "the run length.",
         "Compress $a by writing each block of repeated characters as that character and its "
         "count.",
         "Return the run-length encoding of $a, for example 'aab' becomes 'a2b1'."],
    bodies=[
        """
        if not $a:
            return ""
        out = []
        current, run = $a[0], 1
        for ch in $a[1:]:
            if ch == current:
                run += 1
            else:
                out.append(current + str(run))
                current, run = ch, 1
        out.append(current + str(run))
        return "".join(out)
        """,
        """
        out = ""
        i = 0
        while i < len($a):
            j = i
            # advance j to the end of the run that starts at i
            while j < len($a) and $a[j] == $a[i]:
                j += 1
            out += $a[i] + str(j - i)
            i = j
        return out
        """],
    gen=lambda r, w:
        ("".join(r.choice("abcxyz") * r.randint(1, 4) for _ in range(r.randint(0, 5))),),
    idea=["Run-length encoding replaces a run of identical symbols with one copy and a count. "
          "It is the simplest compression scheme and a good exercise in tracking state across a "
          "loop.",
          "To encode runs we remember the character of the current run and its length; when a "
          "different character arrives, the run is finished and written out."])
fam(key="longest_word", topic="strings",
    names=["longest_word", "find_longest_word", "biggest_word", "longest_token"],
    args=[["sentence", "text", "line"]], sig="$a: str", ret="str",
    doc=["Return the longest word in $a; if several are equally long, return the first. Return "
         "'' for an empty string.",
         "Find the first word of maximal length in $a (empty string if there are no words)."],
    bodies=[
        """
        best = ""
        for w in $a.split():
            # strictly longer, so the first of equal-length words wins
            if len(w) > len(best):
                best = w
        return best
        """,
        """
        return max($a.split(), key=len, default="")
        """],
    gen=lambda r, w: (r.choice([sentence(r, w), ""]),),
    idea=["`max` accepts a `key` function: it compares items by what the key returns. With "
          "`key=len`, it finds the longest item, and on ties it keeps the first one it saw.",
          "Keeping a 'best so far' variable while scanning is the classic way to find a maximum "
          "under any rule we like."])
fam(key="remove_char", topic="strings",
    names=["remove_char", "strip_character", "delete_letter", "without_char"],
    args=[["text", "s", "word"], ["ch", "letter", "target"]], sig="$a: str, $b: str", ret="str",
    doc=["Return $a with every occurrence of the character $b removed.",
         "Delete all copies of $b from $a."],
    bodies=[
        """
        return $a.replace($b, "")
        """,
        """
        return "".join(c for c in $a if c != $b)
        """],
    gen=lambda r, w: (sentence(r, w, 1, 3), r.choice("aeiourst ")),
    idea=["`str.replace` returns a new string where every occurrence of one substring is "
          "swapped for another. Replacing with the empty string deletes.",
          "Filtering characters with a comprehension and joining the survivors is a flexible "
          "alternative to `replace`."])
fam(key="caesar_shift", topic="strings",
    names=["caesar_shift", "shift_letters", "rotate_alphabet", "encode_caesar"],
    args=[["text", "message", "plain"], ["shift", "k", "offset"]],
    sig="$a: str, $b: int", ret="str",
    doc=["Shift every lowercase letter of $a by $b places in the alphabet, wrapping around "
         "after 'z'. Other characters stay the same.",
         "Apply a Caesar cipher with shift $b to the lowercase letters in $a."],
    bodies=[
        """
        out = []
        for ch in $a:
            if "a" <= ch <= "z":
                # ord/chr convert between letters and numbers; % 26 wraps around
                out.append(chr((ord(ch) - ord("a") + $b) % 26 + ord("a")))
            else:
                out.append(ch)
        return "".join(out)
        """,
        """
        alphabet = "abcdefghijklmnopqrstuvwxyz"
        result = ""
        for ch in $a:
            if ch in alphabet:
                result += alphabet[(alphabet.index(ch) + $b) % 26]
            else:
                result += ch
        return result
        """],
    gen=lambda r, w: (sentence(r, w, 1, 3), r.randint(-5, 30)),
    idea=["The Caesar cipher moves each letter a fixed number of places down the alphabet. "
          "Treating letters as numbers 0 to 25 and using the remainder operator `%` makes the "
          "wrap-around automatic.",
          "`ord` turns a character into its code point and `chr` turns it back. Arithmetic on "
          "code points, with `% 26`, shifts letters around the alphabet."])
fam(key="count_substring", topic="strings",
    names=["count_occurrences", "count_substring", "times_appears", "substring_count"],
    args=[["text", "haystack", "s"], ["part", "needle", "sub"]], sig="$a: str, $b: str", ret="int",
    doc=["Count the possibly overlapping occurrences of the non-empty string $b inside $a.",
         "Return how many positions of $a start a copy of $b (overlaps count)."],
    bodies=[
        """
        count = 0
        for i in range(len($a) - len($b) + 1):
            if $a[i:i + len($b)] == $b:
                count += 1
        return count
        """,
        """
        return sum(1 for i in range(len($a)) if $a.startswith($b, i))
        """],
    gen=lambda r, w:
        ("".join(r.choice("ab") for _ in range(r.randint(0, 10))),
         r.choice(["a", "ab", "aa", "ba", "aba"])),
    idea=["A slice `s[i:i + n]` is the window of length n starting at i. Sliding that window "
          "along a string and comparing it with a pattern counts matches, including overlapping "
          "ones.",
          "`str.startswith` takes an optional start index, which lets us test for a pattern at "
          "every position without building slices."])
fam(key="is_anagram", topic="strings",
    names=["is_anagram", "same_letters", "are_anagrams", "anagram_check"],
    args=[["first", "a", "word1"], ["second", "b", "word2"]], sig="$a: str, $b: str", ret="bool",
    doc=["Return True if $a and $b contain exactly the same letters the same number of times.",
         "Decide whether $b is a rearrangement of the letters of $a."],
    bodies=[
        """
        return sorted($a) == sorted($b)
        """,
        """
        if len($a) != len($b):
            return False
        counts = {}
        for ch in $a:
            counts[ch] = counts.get(ch, 0) + 1
        for ch in $b:
            if counts.get(ch, 0) == 0:
                return False
            counts[ch] -= 1
        return True
        """],
    gen=lambda r, w:
        (lambda s: (s, r.choice(["".join(r.sample(s, len(s))), word(r, w)])))(word(r, w)),
    idea=["Two words are anagrams when one is a shuffle of the other. Sorting both puts their "
          "letters in a canonical order, so equal sorted lists mean anagrams.",
          "Counting letters gives a linear-time anagram test: add one for each letter of the "
          "first word, subtract one for each letter of the second."])
fam(key="acronym", topic="strings",
    names=["acronym", "make_acronym", "initials", "abbreviate"],
    args=[["phrase", "name", "title"]], sig="$a: str", ret="str",
    doc=["Return the upper-case initials of the words in $a.",
         "Build an acronym from the first letter of each word of $a."],
    bodies=[
        """
        return "".join(w[0].upper() for w in $a.split())
        """,
        """
        letters = ""
        for w in $a.split():
            letters += w[0]
        return letters.upper()
        """],
    gen=lambda r, w: (sentence(r, w, 1, 5),),
    idea=["An acronym keeps only the first letter of each word. Indexing a word with `[0]` "
          "gives that letter, and `upper` capitalises it.",
          "Building a string piece by piece and converting the result at the end is often "
          "simpler than converting each piece."])
fam(key="snake_to_camel", topic="strings",
    names=["snake_to_camel", "to_camel_case", "camelize", "join_camel"],
    args=[["name", "identifier", "snake"]], sig="$a: str", ret="str",
    doc=["Convert a snake_case name such as $a into camelCase.",
         "Turn the underscore-separated $a into camelCase (first part stays lowercase)."],
    bodies=[
        """
        parts = $a.split("_")
        return parts[0] + "".join(p.capitalize() for p in parts[1:])
        """,
        """
        out = ""
        upper_next = False
        for ch in $a:
            if ch == "_":
                upper_next = True
            elif upper_next:
                out += ch.upper()
                upper_next = False
            else:
                out += ch
        return out
        """],
    gen=lambda r, w: ("_".join(words(r, w, 1, 4)),),
    idea=["Programmers write names in different styles. Converting snake_case to camelCase "
          "means splitting on underscores and capitalising every part after the first.",
          "A flag variable that remembers 'the next letter must be upper case' turns a "
          "character loop into a tiny state machine."])
fam(key="mask_string", topic="strings",
    names=["mask_all_but_last", "hide_digits", "mask_number", "obscure"],
    args=[["code", "number", "secret"], ["keep", "visible", "n"]],
    sig="$a: str, $b: int", ret="str",
    doc=["Replace every character of $a except the last $b with '*'.",
         "Mask $a with asterisks, leaving only its final $b characters visible."],
    bodies=[
        """
        if $b <= 0:
            return "*" * len($a)
        return "*" * max(len($a) - $b, 0) + $a[-$b:]
        """,
        """
        hidden = max(len($a) - max($b, 0), 0)
        return "*" * hidden + $a[hidden:]
        """],
    gen=lambda r, w:
        ("".join(r.choice(string.digits) for _ in range(r.randint(0, 12))), r.randint(0, 5)),
    idea=["Multiplying a string by a number repeats it, so `'*' * 5` is five stars. Combined "
          "with a negative slice that keeps the end of a string, it masks a card number.",
          "Negative indices count from the end of a sequence: `s[-4:]` is the last four "
          "characters."])

# ---- lists
fam(key="running_total", topic="lists",
    names=["running_total", "cumulative_sum", "prefix_sums", "accumulate_values"],
    args=[["numbers", "values", "nums", "amounts"]], sig="$a: list[int]", ret="list[int]",
    doc=["Return the running totals of $a: the i-th item is the sum of the first i + 1 numbers.",
         "Compute the cumulative sums of $a."],
    bodies=[
        """
        totals = []
        total = 0
        for x in $a:
            total += x
            totals.append(total)
        return totals
        """,
        """
        return [sum($a[:i + 1]) for i in range(len($a))]
        """],
    gen=lambda r, w: (ints(r),),
    idea=["A running total carries one number through a loop and records it after every step. "
          "It shows up in bank statements, scores and step counters.",
          "Accumulating as we go turns a quadratic computation (summing every prefix from "
          "scratch) into a single pass."])
fam(key="value_range", topic="lists",
    names=["value_range", "spread", "max_minus_min", "range_of_values"],
    args=[["numbers", "readings", "values"]], sig="$a: list[int]", ret="int",
    doc=["Return the difference between the largest and the smallest number in the non-empty "
         "list $a.",
         "How far apart are the extremes of $a?"],
    bodies=[
        """
        return max($a) - min($a)
        """,
        """
        low = high = $a[0]
        for x in $a[1:]:
            # track both extremes in a single pass
            if x < low:
                low = x
            if x > high:
                high = x
        return high - low
        """],
    gen=lambda r, w: (ints(r, -30, 90, 1, 8),),
    idea=["The range of a data set, the gap between its maximum and its minimum, is the "
          "simplest measure of spread.",
          "One pass can track several statistics at once: here both the smallest and the "
          "largest value seen so far."])
fam(key="dedupe_keep_order", topic="lists",
    names=["remove_duplicates", "unique_in_order", "dedupe", "first_occurrences"],
    args=[["items", "values", "entries"]], sig="$a: list", ret="list",
    doc=["Return the items of $a without repeats, keeping the order of first appearance.",
         "Drop duplicates from $a while preserving the original order."],
    bodies=[
        """
        seen = set()
        result = []
        for x in $a:
            # a set answers "have we seen this?" in constant time
            if x not in seen:
                seen.add(x)
                result.append(x)
        return result
        """,
        """
        return list(dict.fromkeys($a))
        """],
    gen=lambda r, w: (r.choice([words(r, w, 0, 8), ints(r, 0, 5)]),),
    idea=["A set remembers what we have already seen, and a list remembers the order. Using "
          "both gives duplicate removal that keeps the first occurrence of each item.",
          "Dictionaries keep insertion order, so `dict.fromkeys` is a one-line way to "
          "deduplicate while preserving order."])
fam(key="chunk_list", topic="lists",
    names=["chunk_list", "split_into_groups", "batch", "groups_of"],
    args=[["items", "values", "data"], ["size", "n", "width"]], sig="$a: list, $b: int", ret="list",
    doc=["Split $a into consecutive pieces of length $b (the last piece may be shorter).",
         "Group the items of $a into lists of $b, in order."],
    bodies=[
        """
        return [$a[i:i + $b] for i in range(0, len($a), $b)]
        """,
        """
        chunks = []
        current = []
        for x in $a:
            current.append(x)
            if len(current) == $b:
                chunks.append(current)
                current = []
        if current:
            chunks.append(current)
        return chunks
        """],
    gen=lambda r, w: (r.choice([ints(r, 0, 9, 0, 10), words(r, w, 0, 7)]), r.randint(1, 4)),
    idea=["`range(0, len(items), size)` steps through the start of each chunk, and a slice cuts "
          "the chunk out. Slices never fail past the end, so the last chunk is simply shorter.",
          "Batching, cutting a long list into fixed-size groups, is how programs page through "
          "results or send data in packets."])
fam(key="rotate_left", topic="lists",
    names=["rotate_left", "shift_items", "rotate", "cycle_left"],
    args=[["items", "values", "ring"], ["k", "steps", "shift"]],
    sig="$a: list, $b: int", ret="list",
    doc=["Rotate $a to the left by $b positions: items that fall off the front reappear at the "
         "back.",
         "Return a copy of $a rotated left $b times."],
    bodies=[
        """
        if not $a:
            return []
        $b %= len($a)
        return $a[$b:] + $a[:$b]
        """,
        """
        result = list($a)
        for _ in range($b % max(len($a), 1)):
            result.append(result.pop(0))
        return result
        """],
    gen=lambda r, w: (r.choice([ints(r, 0, 9), words(r, w, 0, 5)]), r.randint(0, 12)),
    idea=["Rotating by k is two slices glued together. Reducing k modulo the length first keeps "
          "large rotations cheap and correct.",
          "`pop(0)` removes the first item and `append` puts it at the end: one left rotation. "
          "Repeating it k times rotates by k."])
fam(key="second_largest", topic="lists",
    names=["second_largest", "runner_up", "second_biggest", "next_to_max"],
    args=[["numbers", "scores", "values"]], sig="$a: list[int]", ret="int",
    doc=["Return the second largest distinct value in $a, which has at least two distinct values.",
         "Find the runner-up value of $a (duplicates of the maximum do not count)."],
    bodies=[
        """
        return sorted(set($a))[-2]
        """,
        """
        first = max($a)
        return max(x for x in $a if x != first)
        """],
    gen=lambda r, w: (lambda xs: (xs + [max(xs) + r.randint(1, 5)],))(ints(r, 0, 40, 1, 7)),
    idea=["Converting to a set removes duplicates, and sorting the set puts the distinct values "
          "in order, so the second largest sits at index -2.",
          "Another way: find the maximum, then the maximum of everything that is not equal to it."])
fam(key="flatten_once", topic="lists",
    names=["flatten", "flatten_once", "concat_lists", "merge_sublists"],
    args=[["lists", "groups", "nested"]], sig="$a: list[list]", ret="list",
    doc=["Join the inner lists of $a into one list, in order.",
         "Flatten one level of nesting in $a."],
    bodies=[
        """
        flat = []
        for inner in $a:
            flat.extend(inner)
        return flat
        """,
        """
        return [x for inner in $a for x in inner]
        """],
    gen=lambda r, w: ([ints(r, 0, 9, 0, 3) for _ in range(r.randint(0, 4))],),
    idea=["A nested comprehension reads like two nested loops: for every inner list, for every "
          "item in it, keep the item.",
          "`list.extend` appends every item of another list, which is exactly one level of "
          "flattening."])
fam(key="pairwise_sums", topic="lists",
    names=["add_lists", "pairwise_sums", "elementwise_add", "sum_pairs"],
    args=[["first", "xs", "left"], ["second", "ys", "right"]],
    sig="$a: list[int], $b: list[int]", ret="list[int]",
    doc=["Add $a and $b position by position, stopping at the end of the shorter list.",
         "Return the element-wise sums of $a and $b."],
    bodies=[
        """
        return [x + y for x, y in zip($a, $b)]
        """,
        """
        n = min(len($a), len($b))
        return [$a[i] + $b[i] for i in range(n)]
        """],
    gen=lambda r, w: (ints(r), ints(r)),
    idea=["`zip` walks several lists side by side and stops at the shortest, which is exactly "
          "what element-wise arithmetic needs.",
          "Vectors in maths are added component by component; in Python, `zip` and a "
          "comprehension do the same."])
fam(key="count_greater", topic="lists",
    names=["count_above", "count_greater", "how_many_exceed", "above_threshold"],
    args=[["numbers", "readings", "values"], ["limit", "threshold", "bar"]],
    sig="$a: list[int], $b: int", ret="int",
    doc=["Count the numbers in $a that are strictly greater than $b.",
         "How many values of $a exceed $b?"],
    bodies=[
        """
        return sum(1 for x in $a if x > $b)
        """,
        """
        count = 0
        for x in $a:
            if x > $b:
                count += 1
        return count
        """,
        """
        return len([x for x in $a if x > $b])
        """],
    gen=lambda r, w: (ints(r), r.randint(-10, 40)),
    idea=["Counting items that pass a test is a filter followed by a count. `sum(1 for ...)` "
          "does both without building a list.",
          "Comparisons produce booleans, and the loop body only runs its counter when the "
          "comparison is true."])
fam(key="interleave", topic="lists",
    names=["interleave", "alternate", "weave_lists", "zip_merge"],
    args=[["first", "xs", "a"], ["second", "ys", "b"]], sig="$a: list, $b: list", ret="list",
    doc=["Alternate items from $a and $b; when one list runs out, append the rest of the other.",
         "Weave $a and $b together, starting with $a."],
    bodies=[
        """
        out = []
        for i in range(max(len($a), len($b))):
            if i < len($a):
                out.append($a[i])
            if i < len($b):
                out.append($b[i])
        return out
        """,
        """
        out = []
        n = min(len($a), len($b))
        for x, y in zip($a, $b):
            out += [x, y]
        return out + $a[n:] + $b[n:]
        """],
    gen=lambda r, w: (ints(r, 0, 9, 0, 5), words(r, w, 0, 5)),
    idea=["Interleaving two lists takes one from each in turn. Indexing up to the longer "
          "length, and checking each index, handles uneven lengths.",
          "After zipping the common part, the leftovers of the longer list are a single slice."])
fam(key="moving_average", topic="lists",
    names=["moving_average", "rolling_mean", "window_averages", "smooth"],
    args=[["values", "prices", "series"], ["window", "k", "width"]],
    sig="$a: list[int], $b: int", ret="list[float]",
    doc=["Return the averages of every run of $b consecutive numbers in $a, rounded to 2 "
         "decimals.",
         "Compute the moving average of $a over windows of size $b (rounded to 2 places)."],
    bodies=[
        """
        return [round(sum($a[i:i + $b]) / $b, 2) for i in range(len($a) - $b + 1)]
        """,
        """
        out = []
        window_sum = sum($a[:$b])
        for i in range(len($a) - $b + 1):
            if i > 0:
                # slide: add the new item, drop the old one
                window_sum += $a[i + $b - 1] - $a[i - 1]
            out.append(round(window_sum / $b, 2))
        return out
        """],
    gen=lambda r, w: (ints(r, 0, 30, 0, 9), r.randint(1, 3)),
    idea=["A moving average smooths noisy data by averaging each window of k neighbours. A "
          "sliding window updates the sum by adding the new item and removing the old one.",
          "There are len(values) - k + 1 windows of size k; each average is the window's sum "
          "divided by k."])

# ---- dicts and sets
fam(key="invert_dict", topic="dicts and sets",
    names=["invert_dict", "swap_keys_values", "reverse_mapping", "flip_dict"],
    args=[["mapping", "table", "lookup"]], sig="$a: dict", ret="dict",
    doc=["Return a new dictionary whose keys are the values of $a and whose values are its keys "
         "(values are unique).",
         "Swap the keys and values of $a."],
    bodies=[
        """
        return {v: k for k, v in $a.items()}
        """,
        """
        result = {}
        for k, v in $a.items():
            result[v] = k
        return result
        """],
    gen=lambda r, w: ({k: i for i, k in enumerate(dict.fromkeys(words(r, w, 0, 5)))},),
    idea=["`dict.items()` yields key-value pairs, and a dictionary comprehension can build a "
          "new mapping with the roles swapped.",
          "Inverting a mapping only works when the values are unique; otherwise later keys "
          "overwrite earlier ones."])
fam(key="word_counts", topic="dicts and sets",
    names=["word_counts", "count_words", "word_frequencies", "tally_words"],
    args=[["text", "sentence", "document"]], sig="$a: str", ret="dict",
    doc=["Count how many times each word appears in $a.",
         "Return a dictionary from each word of $a to its number of occurrences."],
    bodies=[
        """
        counts = {}
        for w in $a.split():
            counts[w] = counts.get(w, 0) + 1
        return counts
        """,
        """
        return dict(Counter($a.split()))
        """],
    gen=lambda r, w: (sentence(r, w[:5], 0, 8),),
    imports="from collections import Counter",
    idea=["Word counts are the first step of almost every text analysis. `collections.Counter` "
          "does the counting for us; a plain dictionary works just as well.",
          "Splitting turns text into words; a dictionary accumulates how often each word was "
          "seen."])
fam(key="merge_counts", topic="dicts and sets",
    names=["merge_counts", "add_tallies", "combine_inventories", "sum_dicts"],
    args=[["first", "stock_a", "left"], ["second", "stock_b", "right"]],
    sig="$a: dict, $b: dict", ret="dict",
    doc=["Combine the count dictionaries $a and $b, adding the values of keys that appear in "
         "both.",
         "Merge $b into a copy of $a by summing counts."],
    bodies=[
        """
        merged = dict($a)
        for k, v in $b.items():
            merged[k] = merged.get(k, 0) + v
        return merged
        """,
        """
        merged = {}
        for d in ($a, $b):
            for k, v in d.items():
                merged[k] = merged.get(k, 0) + v
        return merged
        """],
    gen=lambda r, w: (small_dict(r, w), small_dict(r, w)),
    idea=["Merging two inventories means adding the quantities of items both contain and "
          "keeping the items only one of them has.",
          "Copying the first dictionary with `dict(...)` leaves the caller's data untouched "
          "while we add the second one in."])
fam(key="group_by_length", topic="dicts and sets",
    names=["group_by_length", "bucket_by_size", "words_by_length", "length_groups"],
    args=[["words", "names", "items"]], sig="$a: list[str]", ret="dict",
    doc=["Group the strings of $a by their length: map each length to the list of strings "
         "having it, in order.",
         "Return a dictionary from length to the words of $a with that length."],
    bodies=[
        """
        groups = {}
        for w in $a:
            groups.setdefault(len(w), []).append(w)
        return groups
        """,
        """
        groups = {}
        for w in $a:
            if len(w) not in groups:
                groups[len(w)] = []
            groups[len(w)].append(w)
        return groups
        """],
    gen=lambda r, w: (words(r, w, 0, 7),),
    idea=["Grouping puts items into buckets named by some property. `dict.setdefault` returns "
          "the bucket, creating an empty list the first time.",
          "A dictionary of lists is the usual shape of grouped data: the key says which group, "
          "the list holds its members."])
fam(key="common_elements", topic="dicts and sets",
    names=["common_elements", "shared_items", "intersection_sorted", "in_both"],
    args=[["first", "xs", "team_a"], ["second", "ys", "team_b"]],
    sig="$a: list, $b: list", ret="list",
    doc=["Return the sorted list of distinct items that appear in both $a and $b.",
         "Which items do $a and $b share? Answer as a sorted list without repeats."],
    bodies=[
        """
        return sorted(set($a) & set($b))
        """,
        """
        return sorted({x for x in $a if x in $b})
        """],
    gen=lambda r, w: r.choice([(ints(r, 0, 12), ints(r, 0, 12)), (words(r, w), words(r, w))]),
    idea=["Sets support the operations of set theory: `&` is intersection, `|` union, `-` "
          "difference. Sorting the result gives a stable answer.",
          "Membership tests in a set are fast, which is why set intersection is the right tool "
          "for 'items in both'."])
fam(key="unique_to_first", topic="dicts and sets",
    names=["only_in_first", "difference", "missing_from_second", "unique_to_first"],
    args=[["first", "expected", "planned"], ["second", "received", "done"]],
    sig="$a: list, $b: list", ret="list",
    doc=["Return the sorted distinct items of $a that do not appear in $b.",
         "List, sorted and without repeats, what $a has and $b lacks."],
    bodies=[
        """
        return sorted(set($a) - set($b))
        """,
        """
        exclude = set($b)
        return sorted({x for x in $a if x not in exclude})
        """],
    gen=lambda r, w: r.choice([(ints(r, 0, 12), ints(r, 0, 12)), (words(r, w), words(r, w))]),
    idea=["Set difference answers 'what is in one collection but not the other', such as the "
          "items ordered but not yet delivered.",
          "Building the set of items to exclude once, before the loop, keeps each membership "
          "test fast."])
fam(key="most_frequent", topic="dicts and sets",
    names=["most_frequent", "mode", "most_common_item", "favourite"],
    args=[["items", "votes", "values"]], sig="$a: list", ret="object",
    doc=["Return the item that occurs most often in the non-empty list $a; on a tie, the one "
         "that appears first.",
         "Find the most common item of $a (earliest wins ties)."],
    bodies=[
        """
        counts = {}
        for x in $a:
            counts[x] = counts.get(x, 0) + 1
        best = $a[0]
        for x in counts:
            if counts[x] > counts[best]:
                best = x
        return best
        """,
        """
        return max($a, key=$a.count)
        """],
    gen=lambda r, w: (r.choice([words(r, w[:4], 1, 8), ints(r, 0, 4, 1, 8)]),),
    idea=["The mode of a collection is its most frequent value. Counting with a dictionary and "
          "then scanning the counts finds it in two passes.",
          "`max` with `key=items.count` is short but counts again for every item, which is fine "
          "for small lists and slow for large ones."])
fam(key="keys_above", topic="dicts and sets",
    names=["keys_above", "high_scorers", "filter_keys", "names_over"],
    args=[["scores", "table", "totals"], ["cutoff", "minimum", "bar"]],
    sig="$a: dict, $b: int", ret="list",
    doc=["Return, sorted, the keys of $a whose value is at least $b.",
         "Which keys of $a map to a value of $b or more? Return them in sorted order."],
    bodies=[
        """
        return sorted(k for k, v in $a.items() if v >= $b)
        """,
        """
        result = []
        for key in $a:
            if $a[key] >= $b:
                result.append(key)
        result.sort()
        return result
        """],
    gen=lambda r, w: (small_dict(r, w), r.randint(0, 20)),
    idea=["Filtering a dictionary means looping over its items and keeping the keys whose "
          "values pass a test.",
          "Sorting the answer makes the result independent of the order in which the dictionary "
          "was built."])

# ---- arithmetic and number theory
fam(key="gcd", topic="arithmetic and number theory",
    names=["gcd", "greatest_common_divisor", "highest_common_factor", "euclid"],
    args=[["a", "x", "m"], ["b", "y", "n"]], sig="$a: int, $b: int", ret="int",
    doc=["Return the greatest common divisor of the non-negative integers $a and $b (not both "
         "zero).",
         "Compute gcd($a, $b) with Euclid's algorithm."],
    bodies=[
        """
        while $b:
            # gcd(a, b) == gcd(b, a % b), and the remainder shrinks every step
            $a, $b = $b, $a % $b
        return $a
        """,
        """
        if $b == 0:
            return $a
        return $f($b, $a % $b)
        """],
    gen=lambda r, w: (r.randint(1, 300), r.randint(0, 300)),
    idea=["Euclid's algorithm rests on one fact: the common divisors of a and b are the same as "
          "those of b and a % b. Replacing the pair until the remainder is zero leaves the "
          "greatest common divisor.",
          "Euclid's algorithm is more than two thousand years old and still the fastest simple "
          "way to find a greatest common divisor."])
fam(key="lcm", topic="arithmetic and number theory",
    names=["lcm", "least_common_multiple", "smallest_common_multiple", "lowest_multiple"],
    args=[["a", "x", "m"], ["b", "y", "n"]], sig="$a: int, $b: int", ret="int",
    doc=["Return the least common multiple of the positive integers $a and $b.",
         "Smallest positive number divisible by both $a and $b."],
    bodies=[
        """
        return $a * $b // gcd($a, $b)
        """,
        """
        candidate = max($a, $b)
        while candidate % $a or candidate % $b:
            candidate += 1
        return candidate
        """],
    gen=lambda r, w: (r.randint(1, 30), r.randint(1, 30)),
    imports="from math import gcd",
    idea=["For two positive numbers, lcm(a, b) * gcd(a, b) == a * b, so the least common "
          "multiple comes almost for free once we can compute the gcd.",
          "Counting upwards from the larger number until both divide it is slow but obviously "
          "correct, a good first version to test a faster one against."])
fam(key="is_prime", topic="arithmetic and number theory",
    names=["is_prime", "prime_check", "check_prime", "is_a_prime"],
    args=[["n", "number", "candidate"]], sig="$a: int", ret="bool",
    doc=["Return True if $a is a prime number.",
         "Decide whether $a has exactly two divisors, 1 and itself."],
    bodies=[
        """
        if $a < 2:
            return False
        d = 2
        # a composite number has a divisor no larger than its square root
        while d * d <= $a:
            if $a % d == 0:
                return False
            d += 1
        return True
        """,
        """
        return $a > 1 and all($a % d for d in range(2, int($a ** 0.5) + 1))
        """],
    gen=lambda r, w: (r.randint(-3, 200),),
    idea=["Trial division tests possible divisors one by one. We can stop at the square root: "
          "if n = a * b with a <= b, then a * a <= n.",
          "`all` returns True when every item is truthy; a non-zero remainder is truthy, so "
          "`all(n % d for d in ...)` says no d divides n."])
fam(key="digit_sum", topic="arithmetic and number theory",
    names=["digit_sum", "sum_of_digits", "add_digits", "digits_total"],
    args=[["n", "number", "value"]], sig="$a: int", ret="int",
    doc=["Return the sum of the decimal digits of the non-negative integer $a.",
         "Add up the digits of $a."],
    bodies=[
        """
        total = 0
        while $a > 0:
            total += $a % 10
            $a //= 10
        return total
        """,
        """
        return sum(int(d) for d in str($a))
        """],
    gen=lambda r, w: (r.randint(0, 10 ** r.randint(1, 7)),),
    idea=["`n % 10` is the last digit of n and `n // 10` removes it. Repeating both peels a "
          "number apart digit by digit.",
          "Turning a number into a string gives us its digits as characters; `int` turns each "
          "back into a number."])
fam(key="count_divisors", topic="arithmetic and number theory",
    names=["count_divisors", "number_of_divisors", "divisor_count", "how_many_divisors"],
    args=[["n", "number", "value"]], sig="$a: int", ret="int",
    doc=["Return how many positive integers divide the positive integer $a.",
         "Count the divisors of $a, including 1 and $a itself."],
    bodies=[
        """
        return sum(1 for d in range(1, $a + 1) if $a % d == 0)
        """,
        """
        count = 0
        d = 1
        while d * d <= $a:
            if $a % d == 0:
                # d and n // d are a pair, unless they are the same number
                count += 1 if d * d == $a else 2
            d += 1
        return count
        """],
    gen=lambda r, w: (r.randint(1, 400),),
    idea=["Divisors come in pairs d and n // d, one below the square root and one above, which "
          "halves the search.",
          "A number d divides n exactly when `n % d == 0`."])
fam(key="collatz_steps", topic="arithmetic and number theory",
    names=["collatz_steps", "steps_to_one", "hailstone_length", "collatz_length"],
    args=[["n", "start", "value"]], sig="$a: int", ret="int",
    doc=["Count the steps the Collatz rule (halve even numbers, map odd n to 3n + 1) needs to "
         "bring the positive integer $a to 1.",
         "How many Collatz steps does it take for $a to reach 1?"],
    bodies=[
        """
        steps = 0
        while $a != 1:
            $a = $a // 2 if $a % 2 == 0 else 3 * $a + 1
            steps += 1
        return steps
        """,
        """
        if $a == 1:
            return 0
        if $a % 2 == 0:
            return 1 + $f($a // 2)
        return 1 + $f(3 * $a + 1)
        """],
    gen=lambda r, w: (r.randint(1, 60),),
    idea=["The Collatz sequence is a famous unsolved problem: nobody has proved that it always "
          "reaches 1, yet every number anyone has tried does.",
          "A `while` loop is the right tool when we do not know in advance how many steps a "
          "process takes."])
fam(key="perfect_number", topic="arithmetic and number theory",
    names=["is_perfect", "perfect_number", "equals_divisor_sum", "check_perfect"],
    args=[["n", "number", "value"]], sig="$a: int", ret="bool",
    doc=["Return True if the positive integer $a equals the sum of its proper divisors.",
         "Is $a a perfect number?"],
    bodies=[
        """
        return $a > 1 and sum(d for d in range(1, $a) if $a % d == 0) == $a
        """,
        """
        if $a < 2:
            return False
        total = 1
        for d in range(2, $a // 2 + 1):
            if $a % d == 0:
                total += d
        return total == $a
        """],
    gen=lambda r, w: (r.choice([6, 28, 496, r.randint(1, 500)]),),
    idea=["A perfect number equals the sum of its divisors other than itself: 6 = 1 + 2 + 3. "
          "The Greeks knew the first four.",
          "No proper divisor of n can exceed n // 2, so the search can stop there."])
fam(key="prime_factors", topic="arithmetic and number theory",
    names=["prime_factors", "factorise", "factor", "prime_decomposition"],
    args=[["n", "number", "value"]], sig="$a: int", ret="list[int]",
    doc=["Return the prime factors of $a (at least 2) in increasing order, with repetition.",
         "Factor $a into primes, smallest first."],
    bodies=[
        """
        factors = []
        d = 2
        while d * d <= $a:
            while $a % d == 0:
                factors.append(d)
                $a //= d
            d += 1
        if $a > 1:
            # what is left has no divisor up to its square root: it is prime
            factors.append($a)
        return factors
        """,
        """
        for d in range(2, $a + 1):
            if $a % d == 0:
                return [d] + ($f($a // d) if $a // d > 1 else [])
        return []
        """],
    gen=lambda r, w: (r.randint(2, 500),),
    idea=["Dividing out each factor as soon as we find it guarantees that every factor we find "
          "is prime.",
          "Every whole number above 1 is a product of primes in exactly one way: the "
          "fundamental theorem of arithmetic."])
fam(key="to_binary", topic="arithmetic and number theory",
    names=["to_binary", "binary_string", "as_base_two", "bits_of"],
    args=[["n", "number", "value"]], sig="$a: int", ret="str",
    doc=["Return the binary representation of the non-negative integer $a, without a prefix.",
         "Write $a in base 2 as a string of 0s and 1s."],
    bodies=[
        """
        if $a == 0:
            return "0"
        bits = ""
        while $a > 0:
            # the remainder by 2 is the lowest bit
            bits = str($a % 2) + bits
            $a //= 2
        return bits
        """,
        """
        return format($a, "b")
        """],
    gen=lambda r, w: (r.randint(0, 1000),),
    idea=["Repeated division by 2 produces the bits of a number from the lowest to the highest.",
          "Base 2 uses only the digits 0 and 1; each position is worth twice the one to its "
          "right."])
fam(key="multiples_sum", topic="arithmetic and number theory",
    names=["sum_of_multiples", "multiples_total", "add_multiples", "sum_divisible"],
    args=[["limit", "below", "n"], ["p", "first", "x"], ["q", "second", "y"]],
    sig="$a: int, $b: int, $c: int", ret="int",
    doc=["Sum the non-negative integers below $a that are divisible by $b or by $c.",
         "Add up every number under $a that is a multiple of $b or of $c."],
    bodies=[
        """
        return sum(k for k in range($a) if k % $b == 0 or k % $c == 0)
        """,
        """
        total = 0
        for k in range($a):
            if k % $b == 0 or k % $c == 0:
                total += k
        return total
        """],
    gen=lambda r, w: (r.randint(0, 80), r.randint(2, 7), r.randint(2, 9)),
    idea=["`or` combines two conditions so a number counts once even if it is a multiple of both.",
          "Summing a filtered range is a pattern worth knowing by heart: `sum(k for k in "
          "range(n) if test(k))`."])
fam(key="reverse_number", topic="arithmetic and number theory",
    names=["reverse_digits", "reverse_number", "mirror_number", "flip_digits"],
    args=[["n", "number", "value"]], sig="$a: int", ret="int",
    doc=["Return the non-negative integer $a with its digits in reverse order (leading zeros "
         "vanish).",
         "Reverse the decimal digits of $a."],
    bodies=[
        """
        result = 0
        while $a > 0:
            result = result * 10 + $a % 10
            $a //= 10
        return result
        """,
        """
        return int(str($a)[::-1])
        """],
    gen=lambda r, w: (r.randint(0, 99999),),
    idea=["Multiplying by 10 shifts digits one place left, so building a number digit by digit "
          "with `result * 10 + d` reverses another.",
          "Converting to a string, reversing, and converting back is the shortest route, and "
          "`int` quietly drops leading zeros."])
fam(key="celsius", topic="conversions",
    names=["celsius_to_fahrenheit", "to_fahrenheit", "c_to_f", "convert_temperature"],
    args=[["celsius", "degrees", "temp"]], sig="$a: float", ret="float",
    doc=["Convert the temperature $a from Celsius to Fahrenheit, rounded to one decimal.",
         "Return $a degrees Celsius in Fahrenheit (one decimal place)."],
    bodies=[
        """
        return round($a * 9 / 5 + 32, 1)
        """,
        """
        fahrenheit = $a * 1.8 + 32
        return round(fahrenheit, 1)
        """],
    gen=lambda r, w: (r.randint(-40, 120),),
    idea=["Temperature scales are linear: F = C * 9 / 5 + 32. Rounding hides the tiny errors of "
          "floating-point arithmetic.",
          "Floating-point numbers cannot represent most decimals exactly, so results that "
          "people read should be rounded."])
fam(key="seconds_to_hms", topic="conversions",
    names=["format_duration", "seconds_to_clock", "to_hms", "clock_time"],
    args=[["seconds", "total", "elapsed"]], sig="$a: int", ret="str",
    doc=["Format the non-negative number of seconds $a as 'H:MM:SS'.",
         "Turn $a seconds into hours, minutes and seconds written as H:MM:SS."],
    bodies=[
        """
        hours, rest = divmod($a, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{secs:02d}"
        """,
        """
        h = $a // 3600
        m = $a % 3600 // 60
        s = $a % 60
        return str(h) + ":" + str(m).zfill(2) + ":" + str(s).zfill(2)
        """],
    gen=lambda r, w: (r.randint(0, 40000),),
    idea=["`divmod(a, b)` returns the quotient and the remainder together, which is exactly "
          "what unit conversions need.",
          "The format specification `:02d` pads a number with zeros to two digits, as clocks do."])
fam(key="to_base", topic="conversions",
    names=["to_base", "convert_base", "in_base", "base_digits"],
    args=[["n", "number", "value"], ["base", "radix", "b"]], sig="$a: int, $b: int", ret="str",
    doc=["Write the non-negative integer $a in base $b (between 2 and 10) as a string.",
         "Return the digits of $a in base $b."],
    bodies=[
        """
        if $a == 0:
            return "0"
        digits = []
        while $a:
            digits.append(str($a % $b))
            $a //= $b
        return "".join(reversed(digits))
        """,
        """
        if $a < $b:
            return str($a)
        return $f($a // $b, $b) + str($a % $b)
        """],
    gen=lambda r, w: (r.randint(0, 500), r.randint(2, 10)),
    idea=["Any base works like base 10: the remainder by the base is the last digit, and "
          "integer division drops it.",
          "Recursion writes the higher digits first: convert n // base, then append the last "
          "digit."])
fam(key="percent", topic="conversions",
    names=["percentage", "as_percent", "share_percent", "percent_of"],
    args=[["part", "count", "done"], ["whole", "total", "planned"]],
    sig="$a: int, $b: int", ret="str",
    doc=["Return $a as a percentage of the positive number $b, formatted with one decimal and a "
         "'%' sign.",
         "Express $a out of $b as a percent string like '12.5%'."],
    bodies=[
        """
        return f"{100 * $a / $b:.1f}%"
        """,
        """
        share = $a * 100 / $b
        return "%.1f%%" % share
        """],
    gen=lambda r, w: (r.randint(0, 50), r.randint(1, 60)),
    idea=["f-strings accept format specifications after a colon: `.1f` means fixed-point with "
          "one decimal.",
          "A percentage is a fraction scaled by 100; formatting decides how many decimals the "
          "reader sees."])

# ---- recursion
fam(key="factorial", topic="recursion",
    names=["factorial", "fact", "product_up_to", "n_factorial"],
    args=[["n", "num", "number"]], sig="$a: int", ret="int",
    doc=["Return $a! for the non-negative integer $a.",
         "Compute the product 1 * 2 * ... * $a (1 when $a is 0)."],
    bodies=[
        """
        if $a <= 1:
            return 1
        # n! = n * (n - 1)!: a smaller problem of the same shape
        return $a * $f($a - 1)
        """,
        """
        result = 1
        for k in range(2, $a + 1):
            result *= k
        return result
        """],
    gen=lambda r, w: (r.randint(0, 15),),
    idea=["A recursive function solves a problem by calling itself on a smaller version of it. "
          "Factorial is the textbook case: n! = n * (n - 1)!, and 0! = 1 stops the recursion.",
          "Every recursion needs a base case that needs no further calls; without one, Python "
          "raises RecursionError."])
fam(key="fibonacci", topic="recursion",
    names=["fibonacci", "fib", "nth_fibonacci", "fibo"],
    args=[["n", "index", "k"]], sig="$a: int", ret="int",
    doc=["Return the $a-th Fibonacci number, where fib(0) = 0 and fib(1) = 1.",
         "Compute Fibonacci number number $a (starting 0, 1, 1, 2, ...)."],
    bodies=[
        """
        if $a < 2:
            return $a
        return $f($a - 1) + $f($a - 2)
        """,
        """
        a, b = 0, 1
        for _ in range($a):
            a, b = b, a + b
        return a
        """],
    gen=lambda r, w: (r.randint(0, 20),),
    idea=["The naive recursive Fibonacci recomputes the same values again and again, so its "
          "running time grows exponentially. Keeping just the last two values makes it linear.",
          "Tuple assignment `a, b = b, a + b` updates two variables at once, using the old "
          "values on the right-hand side."])
fam(key="power", topic="recursion",
    names=["power", "fast_power", "raise_to", "int_power"],
    args=[["base", "x", "b"], ["exponent", "n", "e"]], sig="$a: int, $b: int", ret="int",
    doc=["Return $a raised to the non-negative integer power $b without using `**`.",
         "Compute $a to the power $b by repeated squaring."],
    bodies=[
        """
        if $b == 0:
            return 1
        half = $f($a, $b // 2)
        # squaring the half power needs only log(n) multiplications
        if $b % 2 == 0:
            return half * half
        return half * half * $a
        """,
        """
        result = 1
        for _ in range($b):
            result *= $a
        return result
        """],
    gen=lambda r, w: (r.randint(-5, 9), r.randint(0, 12)),
    idea=["Exponentiation by squaring uses x^n = (x^(n/2))^2, so the exponent halves at every "
          "call.",
          "Repeated multiplication is the definition of a power; repeated squaring is the fast "
          "way to compute it."])
fam(key="sum_nested", topic="recursion",
    names=["sum_nested", "deep_sum", "nested_total", "total_of_tree"],
    args=[["data", "nested", "tree"]], sig="$a: list", ret="int",
    doc=["Return the sum of all integers in $a, a list whose items are integers or further such "
         "lists.",
         "Add up every number in the arbitrarily nested list $a."],
    bodies=[
        """
        total = 0
        for item in $a:
            if isinstance(item, list):
                # an inner list is the same problem, only smaller
                total += $f(item)
            else:
                total += item
        return total
        """,
        """
        return sum($f(x) if isinstance(x, list) else x for x in $a)
        """],
    gen=lambda r, w:
        ([r.randint(0, 9) if r.random() < 0.6
          else [r.randint(0, 9), [r.randint(0, 9)] * r.randint(0, 2)]
          for _ in range(r.randint(0, 5))],),
    idea=["Nested lists are recursive data: a list may contain lists. A recursive function "
          "mirrors that shape, handling numbers directly and lists by calling itself.",
          "`isinstance` asks what kind of object we hold, which lets one function treat numbers "
          "and sub-lists differently."])
fam(key="grid_paths", topic="recursion",
    names=["grid_paths", "count_routes", "lattice_paths", "paths_in_grid"],
    args=[["rows", "height", "r"], ["cols", "width", "c"]], sig="$a: int, $b: int", ret="int",
    doc=["Count the paths from the top-left to the bottom-right corner of a $a by $b grid of "
         "cells, moving only right or down.",
         "How many right/down routes cross a grid with $a rows and $b columns?"],
    bodies=[
        """
        if $a == 1 or $b == 1:
            return 1
        return $f($a - 1, $b) + $f($a, $b - 1)
        """,
        """
        row = [1] * $b
        for _ in range($a - 1):
            for j in range(1, $b):
                row[j] += row[j - 1]
        return row[-1]
        """],
    gen=lambda r, w: (r.randint(1, 7), r.randint(1, 7)),
    idea=["Every route to a cell arrives from above or from the left, so the count for a cell "
          "is the sum of two smaller counts.",
          "Filling a table row by row turns the exponential recursion into dynamic programming."])
fam(key="nesting_depth", topic="recursion",
    names=["nesting_depth", "max_depth", "depth_of", "how_deep"],
    args=[["data", "nested", "value"]], sig="$a: list", ret="int",
    doc=["Return how deeply lists are nested in $a: a flat list has depth 1.",
         "Compute the maximum nesting depth of the list $a."],
    bodies=[
        """
        return 1 + max(($f(x) for x in $a if isinstance(x, list)), default=0)
        """,
        """
        deepest = 0
        for x in $a:
            if isinstance(x, list):
                deepest = max(deepest, $f(x))
        return deepest + 1
        """],
    gen=lambda r, w:
        (r.choice([[], [1, 2], [1, [2, [3]]], [[[]]], [[r.randint(0, 5)], [[r.randint(0, 5)]], 4],
                   [r.randint(0, 3)] * r.randint(0, 3)]),),
    idea=["The depth of a nested list is one more than the depth of its deepest inner list.",
          "`max` with `default=` copes with an empty sequence, which is the base case of this "
          "recursion."])
fam(key="hanoi_moves", topic="recursion",
    names=["hanoi_moves", "tower_moves", "count_hanoi", "disk_moves"],
    args=[["n", "disks", "height"]], sig="$a: int", ret="int",
    doc=["Return how many moves the Tower of Hanoi puzzle with $a disks needs.",
         "Count the moves that solve the Towers of Hanoi with $a disks."],
    bodies=[
        """
        if $a == 0:
            return 0
        # move n-1 disks away, the big disk once, and the n-1 disks back on top
        return 2 * $f($a - 1) + 1
        """,
        """
        return 2 ** $a - 1
        """],
    gen=lambda r, w: (r.randint(0, 20),),
    idea=["To move a tower of n disks we move the top n - 1 out of the way, move the largest "
          "disk, and move the n - 1 back: T(n) = 2T(n - 1) + 1.",
          "Solving the recurrence T(n) = 2T(n - 1) + 1 with T(0) = 0 gives 2^n - 1."])

# ---- sorting and searching
fam(key="binary_search", topic="sorting and searching",
    names=["binary_search", "find_index", "search_sorted", "locate"],
    args=[["items", "sorted_values", "numbers"], ["target", "wanted", "key"]],
    sig="$a: list[int], $b: int", ret="int",
    doc=["Return the index of $b in the sorted list $a of distinct numbers, or -1 if it is "
         "absent.",
         "Find $b in the sorted list $a by halving the search range; -1 means not found."],
    bodies=[
        """
        lo, hi = 0, len($a) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            if $a[mid] == $b:
                return mid
            # the sorted order tells us which half cannot contain the target
            if $a[mid] < $b:
                lo = mid + 1
            else:
                hi = mid - 1
        return -1
        """,
        """
        i = bisect_left($a, $b)
        return i if i < len($a) and $a[i] == $b else -1
        """],
    gen=lambda r, w:
        (lambda xs: (xs, r.choice(xs + [r.randint(0, 60)]) if xs else 3))(sorted_ints(r)),
    imports="from bisect import bisect_left",
    idea=["Binary search halves the range that may contain the target at every step, so a "
          "million sorted items need only about twenty comparisons.",
          "The standard library's `bisect` module implements binary search for sorted lists."])
fam(key="insertion_sort", topic="sorting and searching",
    names=["insertion_sort", "sort_by_inserting", "insert_sort", "sorted_copy"],
    args=[["numbers", "values", "items"]], sig="$a: list[int]", ret="list[int]",
    doc=["Return a sorted copy of $a using insertion sort.",
         "Sort $a in ascending order by inserting each item into a sorted prefix."],
    bodies=[
        """
        result = list($a)
        for i in range(1, len(result)):
            current = result[i]
            j = i - 1
            # shift larger items one step right to open a gap
            while j >= 0 and result[j] > current:
                result[j + 1] = result[j]
                j -= 1
            result[j + 1] = current
        return result
        """,
        """
        result = []
        for x in $a:
            pos = 0
            while pos < len(result) and result[pos] <= x:
                pos += 1
            result.insert(pos, x)
        return result
        """],
    gen=lambda r, w: (ints(r, -9, 30, 0, 9),),
    idea=["Insertion sort grows a sorted prefix one item at a time, the way many people sort a "
          "hand of cards.",
          "Insertion sort is quadratic in the worst case but very fast on lists that are almost "
          "sorted."])
fam(key="bubble_sort", topic="sorting and searching",
    names=["bubble_sort", "sort_by_swapping", "swap_sort", "sink_sort"],
    args=[["numbers", "values", "items"]], sig="$a: list[int]", ret="list[int]",
    doc=["Return a sorted copy of $a using bubble sort.",
         "Sort $a by repeatedly swapping neighbours that are out of order."],
    bodies=[
        """
        result = list($a)
        n = len(result)
        for end in range(n - 1, 0, -1):
            swapped = False
            for i in range(end):
                if result[i] > result[i + 1]:
                    result[i], result[i + 1] = result[i + 1], result[i]
                    swapped = True
            # no swap in a full pass means the list is sorted
            if not swapped:
                break
        return result
        """,
        """
        result = $a[:]
        for i in range(len(result)):
            for j in range(len(result) - 1 - i):
                if result[j] > result[j + 1]:
                    result[j], result[j + 1] = result[j + 1], result[j]
        return result
        """],
    gen=lambda r, w: (ints(r, -9, 30, 0, 9),),
    idea=["Each pass of bubble sort carries the largest remaining item to the end, like a "
          "bubble rising to the surface.",
          "An early exit when a pass makes no swaps turns bubble sort into a fast check for "
          "already sorted input."])
fam(key="sort_pairs", topic="sorting and searching",
    names=["sort_by_second", "order_by_value", "rank_pairs", "sort_records"],
    args=[["pairs", "records", "rows"]], sig="$a: list[tuple]", ret="list[tuple]",
    doc=["Sort the (name, number) tuples in $a by number, breaking ties by name.",
         "Return $a ordered by the second field, then by the first."],
    bodies=[
        """
        return sorted($a, key=lambda p: (p[1], p[0]))
        """,
        """
        return sorted($a, key=itemgetter(1, 0))
        """],
    gen=lambda r, w: ([(r.choice(w), r.randint(0, 9)) for _ in range(r.randint(0, 6))],),
    imports="from operator import itemgetter",
    idea=["A sort key can be a tuple: Python compares tuples item by item, so `(score, name)` "
          "sorts by score and then by name.",
          "`operator.itemgetter` builds the key function for us, without a lambda."])
fam(key="kth_smallest", topic="sorting and searching",
    names=["kth_smallest", "nth_lowest", "order_statistic", "pick_kth"],
    args=[["numbers", "values", "data"], ["k", "rank", "position"]],
    sig="$a: list[int], $b: int", ret="int",
    doc=["Return the $b-th smallest number in $a, counting from 1 (duplicates count separately).",
         "Find the number that would be at position $b (1-based) if $a were sorted."],
    bodies=[
        """
        return sorted($a)[$b - 1]
        """,
        """
        return heapq.nsmallest($b, $a)[-1]
        """],
    gen=lambda r, w: (lambda xs: (xs, r.randint(1, len(xs))))(ints(r, 0, 50, 1, 9)),
    imports="import heapq",
    idea=["Sorting and indexing finds the k-th smallest value in one line; a heap does it "
          "without sorting everything.",
          "`heapq.nsmallest(k, data)` keeps a heap of size k, cheap when k is small."])
fam(key="merge_sorted", topic="sorting and searching",
    names=["merge_sorted", "merge_two", "combine_sorted", "merge_runs"],
    args=[["first", "xs", "left"], ["second", "ys", "right"]],
    sig="$a: list[int], $b: list[int]", ret="list[int]",
    doc=["Merge the two sorted lists $a and $b into one sorted list.",
         "Combine the ascending lists $a and $b, keeping the result ascending."],
    bodies=[
        """
        i = j = 0
        out = []
        while i < len($a) and j < len($b):
            # take the smaller head; <= keeps the merge stable
            if $a[i] <= $b[j]:
                out.append($a[i])
                i += 1
            else:
                out.append($b[j])
                j += 1
        return out + $a[i:] + $b[j:]
        """,
        """
        return sorted($a + $b)
        """],
    gen=lambda r, w: (sorted(ints(r, 0, 30)), sorted(ints(r, 0, 30))),
    idea=["Merging two sorted lists only ever compares their front items, so it takes linear "
          "time. It is the heart of merge sort.",
          "When one list runs out, the rest of the other is already sorted and can be appended "
          "as it is."])
fam(key="find_all", topic="sorting and searching",
    names=["find_all", "positions_of", "indices_of", "all_indexes"],
    args=[["items", "values", "sequence"], ["target", "wanted", "needle"]],
    sig="$a: list, $b: object", ret="list[int]",
    doc=["Return the indices at which $b occurs in $a, in increasing order.",
         "List every position of $b in $a."],
    bodies=[
        """
        return [i for i, x in enumerate($a) if x == $b]
        """,
        """
        found = []
        for i in range(len($a)):
            if $a[i] == $b:
                found.append(i)
        return found
        """],
    gen=lambda r, w: (lambda xs: (xs, r.choice(xs + ["zzz"])))(words(r, w[:4], 0, 8)),
    idea=["`enumerate` pairs every item with its index, so a linear search can report where it "
          "found a match, not just whether.",
          "Linear search needs no sorted input: it simply looks at every item."])
fam(key="sort_by_length", topic="sorting and searching",
    names=["sort_by_length", "shortest_first", "order_by_size", "length_sort"],
    args=[["words", "names", "labels"]], sig="$a: list[str]", ret="list[str]",
    doc=["Sort $a by length, and alphabetically among words of the same length.",
         "Return the strings of $a from shortest to longest, ties in alphabetical order."],
    bodies=[
        """
        return sorted($a, key=lambda s: (len(s), s))
        """,
        """
        result = sorted($a)
        # sorting is stable, so a second sort by length keeps the alphabetical order of ties
        result.sort(key=len)
        return result
        """],
    gen=lambda r, w: (words(r, w, 0, 7),),
    idea=["Python's sort is stable: items that compare equal keep their relative order. Sorting "
          "by the secondary key first and the primary key second exploits that.",
          "A tuple key `(len(s), s)` does both comparisons in one sort."])

# ---- iteration patterns
fam(key="fizzbuzz", topic="iteration patterns",
    names=["fizzbuzz", "fizz_buzz_list", "play_fizzbuzz", "fizzbuzz_words"],
    args=[["n", "count", "upto"]], sig="$a: int", ret="list[str]",
    doc=["Return the strings for 1..$a where multiples of 3 become 'Fizz', of 5 'Buzz', of both "
         "'FizzBuzz'.",
         "Play FizzBuzz from 1 to $a and return what is said."],
    bodies=[
        """
        out = []
        for k in range(1, $a + 1):
            if k % 15 == 0:
                out.append("FizzBuzz")
            elif k % 3 == 0:
                out.append("Fizz")
            elif k % 5 == 0:
                out.append("Buzz")
            else:
                out.append(str(k))
        return out
        """,
        """
        return ["Fizz" * (k % 3 == 0) + "Buzz" * (k % 5 == 0) or str(k) for k in range(1, $a + 1)]
        """],
    gen=lambda r, w: (r.randint(0, 16),),
    idea=["The order of tests matters in an `if`/`elif` chain: the most specific case, "
          "divisible by 15, must come first.",
          "Multiplying a string by a boolean gives the string or the empty string, and `or` "
          "supplies a fallback for the empty case."])
fam(key="times_table", topic="iteration patterns",
    names=["times_table", "multiples_list", "table_row", "first_multiples"],
    args=[["n", "base", "number"], ["count", "upto", "length"]],
    sig="$a: int, $b: int", ret="list[int]",
    doc=["Return the first $b multiples of $a, starting with $a itself.",
         "List $a * 1, $a * 2, ..., $a * $b."],
    bodies=[
        """
        return [$a * k for k in range(1, $b + 1)]
        """,
        """
        return list(range($a, $a * $b + 1, $a)) if $a > 0 else [$a * k for k in range(1, $b + 1)]
        """],
    gen=lambda r, w: (r.randint(-3, 12), r.randint(0, 8)),
    idea=["A comprehension over `range(1, n + 1)` is the direct translation of 'for k from 1 to "
          "n'.",
          "`range` takes a step, so the multiples of a positive number are themselves a range."])
fam(key="items_within_budget", topic="iteration patterns",
    names=["items_within_budget", "count_until_limit", "how_many_fit", "take_while_affordable"],
    args=[["costs", "prices", "weights"], ["budget", "limit", "capacity"]],
    sig="$a: list[int], $b: int", ret="int",
    doc=["Take the items of $a in order while their running total stays within $b; return how "
         "many were taken.",
         "How many leading items of $a fit into $b before the total would exceed it?"],
    bodies=[
        """
        total = 0
        count = 0
        for c in $a:
            if total + c > $b:
                # stop at the first item that does not fit
                break
            total += c
            count += 1
        return count
        """,
        """
        count = 0
        while count < len($a) and sum($a[:count + 1]) <= $b:
            count += 1
        return count
        """],
    gen=lambda r, w: (ints(r, 0, 20), r.randint(0, 60)),
    idea=["`break` leaves a loop early: once an item does not fit, nothing after it is "
          "considered.",
          "Running totals plus an early exit model budgets, capacities and time limits."])
fam(key="pairs_with_sum", topic="iteration patterns",
    names=["pairs_with_sum", "index_pairs_adding_to", "matching_pairs", "find_pairs"],
    args=[["numbers", "values", "amounts"], ["target", "total", "goal"]],
    sig="$a: list[int], $b: int", ret="list[tuple]",
    doc=["Return all index pairs (i, j) with i < j whose numbers in $a add up to $b, in "
         "increasing order.",
         "Find every pair of positions in $a whose values sum to $b."],
    bodies=[
        """
        pairs = []
        for i in range(len($a)):
            # j starts after i so each pair is listed once
            for j in range(i + 1, len($a)):
                if $a[i] + $a[j] == $b:
                    pairs.append((i, j))
        return pairs
        """,
        """
        return [(i, j) for i, j in combinations(range(len($a)), 2) if $a[i] + $a[j] == $b]
        """],
    gen=lambda r, w: (ints(r, 0, 10, 0, 7), r.randint(0, 15)),
    imports="from itertools import combinations",
    idea=["Nested loops with the inner one starting after the outer index visit every unordered "
          "pair exactly once.",
          "`itertools.combinations(range(n), 2)` generates the same pairs without writing the "
          "loops."])
fam(key="triangle_numbers", topic="iteration patterns",
    names=["triangle_numbers", "first_triangular", "triangular_sequence", "stacked_counts"],
    args=[["n", "count", "how_many"]], sig="$a: int", ret="list[int]",
    doc=["Return the first $a triangular numbers 1, 3, 6, 10, ...",
         "List the first $a numbers of the form 1 + 2 + ... + k."],
    bodies=[
        """
        out = []
        total = 0
        for k in range(1, $a + 1):
            total += k
            out.append(total)
        return out
        """,
        """
        return [k * (k + 1) // 2 for k in range(1, $a + 1)]
        """],
    gen=lambda r, w: (r.randint(0, 12),),
    idea=["The k-th triangular number counts the dots in a triangle with k rows, and equals k(k "
          "+ 1)/2.",
          "A closed formula and a running total give the same sequence; comparing them is a "
          "nice test."])
fam(key="staircase", topic="iteration patterns",
    names=["staircase", "draw_steps", "stair_lines", "step_pattern"],
    args=[["n", "height", "steps"], ["symbol", "brick", "ch"]],
    sig="$a: int, $b: str", ret="list[str]",
    doc=["Return the $a lines of a right-aligned staircase drawn with $b; line k has k symbols.",
         "Build a staircase of height $a made of the character $b, padded on the left with "
         "spaces."],
    bodies=[
        """
        return [" " * ($a - k) + $b * k for k in range(1, $a + 1)]
        """,
        """
        lines = []
        for k in range(1, $a + 1):
            lines.append(($b * k).rjust($a))
        return lines
        """],
    gen=lambda r, w: (r.randint(0, 6), r.choice("#*+@")),
    idea=["String multiplication draws repeated symbols and `rjust` pads on the left, which is "
          "all text art needs.",
          "Each line of a pattern is a function of its line number; find that function and the "
          "loop writes itself."])
fam(key="zip_to_dict", topic="iteration patterns",
    names=["zip_to_dict", "pair_up", "build_lookup", "make_mapping"],
    args=[["keys", "names", "labels"], ["values", "scores", "numbers"]],
    sig="$a: list, $b: list", ret="dict",
    doc=["Pair the items of $a with those of $b into a dictionary, ignoring extras of the "
         "longer list.",
         "Build a dict mapping $a[i] to $b[i]."],
    bodies=[
        """
        return dict(zip($a, $b))
        """,
        """
        result = {}
        for i in range(min(len($a), len($b))):
            result[$a[i]] = $b[i]
        return result
        """],
    gen=lambda r, w: (list(dict.fromkeys(words(r, w))), ints(r, 0, 9)),
    idea=["`dict(zip(keys, values))` is the idiomatic way to turn two parallel lists into a "
          "lookup table.",
          "Parallel lists are fragile; a dictionary keeps each key next to its value."])
fam(key="number_lines", topic="iteration patterns",
    names=["number_lines", "add_line_numbers", "label_lines", "enumerate_lines"],
    args=[["lines", "rows", "entries"], ["start", "first", "offset"]],
    sig="$a: list[str], $b: int", ret="list[str]",
    doc=["Prefix every string of $a with its line number, counting from $b, as 'N: text'.",
         "Return the lines of $a numbered from $b in the form 'N: line'."],
    bodies=[
        """
        return [f"{i}: {line}" for i, line in enumerate($a, start=$b)]
        """,
        """
        out = []
        number = $b
        for line in $a:
            out.append(str(number) + ": " + line)
            number += 1
        return out
        """],
    gen=lambda r, w: (words(r, w, 0, 5), r.randint(0, 3)),
    idea=["`enumerate` accepts a `start` argument, so numbering from 1 needs no arithmetic.",
          "f-strings interpolate expressions directly into text, which keeps formatting code "
          "readable."])
fam(key="digits_histogram", topic="iteration patterns",
    names=["even_odd_counts", "parity_counts", "count_even_odd", "split_counts"],
    args=[["numbers", "values", "data"]], sig="$a: list[int]", ret="tuple",
    doc=["Return a tuple (evens, odds) counting the even and the odd numbers in $a.",
         "Count how many numbers of $a are even and how many are odd."],
    bodies=[
        """
        evens = sum(1 for x in $a if x % 2 == 0)
        return (evens, len($a) - evens)
        """,
        """
        evens = odds = 0
        for x in $a:
            if x % 2 == 0:
                evens += 1
            else:
                odds += 1
        return (evens, odds)
        """],
    gen=lambda r, w: (ints(r),),
    idea=["A tuple bundles several results into one return value; the caller can unpack it with "
          "`evens, odds = ...`.",
          "In Python, `x % 2` is 0 or 1 even for negative x, so the parity test works for every "
          "integer."])

# ---- error handling
fam(key="safe_divide", topic="error handling",
    names=["safe_divide", "divide_or_none", "checked_division", "try_divide"],
    args=[["numerator", "a", "total"], ["denominator", "b", "parts"]],
    sig="$a: float, $b: float", ret="float",
    doc=["Return $a / $b rounded to 3 decimals, or None when $b is zero.",
         "Divide $a by $b, giving None instead of raising on division by zero (round to 3 "
         "places)."],
    bodies=[
        """
        try:
            return round($a / $b, 3)
        except ZeroDivisionError:
            # dividing by zero raises; we turn the error into a value
            return None
        """,
        """
        if $b == 0:
            return None
        return round($a / $b, 3)
        """],
    gen=lambda r, w: (r.randint(-20, 50), r.choice([0, r.randint(-6, 9)])),
    idea=["Python raises `ZeroDivisionError` when dividing by zero. `try`/`except` catches the "
          "error and lets the function answer with None instead of crashing.",
          "'Easier to ask forgiveness than permission': Python code often tries an operation "
          "and handles the exception rather than checking first."])
fam(key="parse_int_default", topic="error handling",
    names=["to_int", "parse_int_or_default", "int_or_default", "read_number"],
    args=[["text", "raw", "field"], ["default", "fallback", "otherwise"]],
    sig="$a: str, $b: int", ret="int",
    doc=["Convert $a to an integer, or return $b if $a is not a valid integer.",
         "Parse $a as an int; fall back to $b on bad input."],
    bodies=[
        """
        try:
            return int($a)
        except ValueError:
            return $b
        """,
        """
        s = $a.strip()
        body = s[1:] if s[:1] in "+-" else s
        if body.isdigit() and body.isascii():
            return int(s)
        return $b
        """],
    gen=lambda r, w:
        (r.choice([str(r.randint(-99, 999)), r.choice(w), "", " 42 ", "3.5", "-7", "+8"]),
         r.randint(-1, 1)),
    idea=["`int('abc')` raises `ValueError`. Catching exactly that exception, and not every "
          "exception, keeps real bugs visible.",
          "User input is messy; a conversion helper with a default keeps the rest of the "
          "program simple."])
fam(key="lookup_default", topic="error handling",
    names=["lookup", "get_or_default", "fetch", "find_value"],
    args=[["table", "mapping", "registry"], ["key", "name", "wanted"],
          ["default", "fallback", "missing"]],
    sig="$a: dict, $b: str, $c: int", ret="int",
    doc=["Return $a[$b], or $c when the key is missing.",
         "Look $b up in $a, answering $c if it is not there."],
    bodies=[
        """
        try:
            return $a[$b]
        except KeyError:
            return $c
        """,
        """
        return $a.get($b, $c)
        """,
        """
        if $b in $a:
            return $a[$b]
        return $c
        """],
    gen=lambda r, w:
        (lambda d: (d, r.choice(list(d) + [word(r, w)]) if d else word(r, w), -1))(
            small_dict(r, w)),
    idea=["Indexing a dictionary with a missing key raises `KeyError`; `dict.get` returns a "
          "default instead.",
          "Three ways to handle a missing key (catch the error, test membership first, or use "
          "`get`) give the same answer here."])
fam(key="first_or_none", topic="error handling",
    names=["first_or_none", "head", "first_item", "peek"],
    args=[["items", "queue", "values"]], sig="$a: list", ret="object",
    doc=["Return the first item of $a, or None if $a is empty.",
         "Peek at the front of $a without failing on an empty list."],
    bodies=[
        """
        try:
            return $a[0]
        except IndexError:
            return None
        """,
        """
        return $a[0] if $a else None
        """],
    gen=lambda r, w: (r.choice([[], words(r, w), ints(r)]),),
    idea=["Indexing an empty list raises `IndexError`. Empty collections are false in a boolean "
          "context, so `if items` guards against it.",
          "Returning None for 'no answer' is common, but the caller must remember to check for "
          "it."])
fam(key="to_float_list", topic="error handling",
    names=["parse_floats", "to_float_list", "numbers_from_strings", "clean_readings"],
    args=[["raw", "fields", "strings"]], sig="$a: list[str]", ret="list[float]",
    doc=["Convert each string of $a to a float, skipping the ones that are not numbers.",
         "Return the floats that can be parsed from $a, in order; ignore the rest."],
    bodies=[
        """
        out = []
        for s in $a:
            try:
                out.append(float(s))
            except ValueError:
                # a bad reading is skipped, not fatal
                continue
        return out
        """,
        """
        out = []
        for s in $a:
            try:
                value = float(s)
            except ValueError:
                pass
            else:
                out.append(value)
        return out
        """],
    gen=lambda r, w:
        ([r.choice([str(r.randint(-9, 99)), str(r.randint(0, 99) / 4), r.choice(w), "", "1e2"])
          for _ in range(r.randint(0, 6))],),
    idea=["An exception inside a loop can be handled per item: the bad item is skipped and the "
          "loop carries on.",
          "The `else` branch of `try` runs only when no exception happened, a tidy place for "
          "the success path."])
fam(key="checked_average", topic="error handling",
    names=["average", "mean_or_error", "checked_mean", "safe_average"],
    args=[["numbers", "marks", "values"]], sig="$a: list[int]", ret="object",
    doc=["Return the mean of $a rounded to 2 decimals, or the string 'error: empty' when $a has "
         "no items.",
         "Average $a (2 decimals); report 'error: empty' for an empty list."],
    bodies=[
        """
        try:
            return round(sum($a) / len($a), 2)
        except ZeroDivisionError:
            return "error: empty"
        """,
        """
        if not $a:
            return "error: empty"
        return round(sum($a) / len($a), 2)
        """],
    gen=lambda r, w: (ints(r, 0, 100, 0, 6),),
    idea=["An empty list has no mean; dividing by its length, zero, raises. Deciding what to "
          "return instead is a design choice the docstring must state.",
          "Errors as return values are simple for small scripts; larger programs usually prefer "
          "raising a clear exception."])
fam(key="validate_password", topic="error handling",
    names=["password_problems", "check_password", "validate_password", "password_errors"],
    args=[["password", "secret", "candidate"]], sig="$a: str", ret="list[str]",
    doc=["Return the list of rules $a breaks: 'too short' (under 8 characters), 'no digit', 'no "
         "uppercase'.",
         "Check $a against three rules and list the problems found, in the order: too short, no "
         "digit, no uppercase."],
    bodies=[
        """
        problems = []
        if len($a) < 8:
            problems.append("too short")
        if not any(ch.isdigit() for ch in $a):
            problems.append("no digit")
        if not any(ch.isupper() for ch in $a):
            problems.append("no uppercase")
        return problems
        """,
        """
        rules = [("too short", len($a) >= 8),
                 ("no digit", any(c.isdigit() for c in $a)),
                 ("no uppercase", $a.lower() != $a)]
        return [name for name, ok in rules if not ok]
        """],
    gen=lambda r, w:
        (r.choice([word(r, w), word(r, w).capitalize() + str(r.randint(0, 99)),
                   word(r, w) + word(r, w) + str(r.randint(0, 9))]),),
    idea=["Validation code collects every problem instead of stopping at the first, so a user "
          "can fix them all at once.",
          "`any` answers 'does at least one item pass?' and stops as soon as one does."])

# ---- parsing
fam(key="parse_key_values", topic="parsing",
    names=["parse_settings", "parse_key_values", "read_config", "parse_pairs"],
    args=[["text", "line", "spec"]], sig="$a: str", ret="dict",
    doc=["Parse a string like 'a=1;b=2' into a dictionary with integer values. Empty input "
         "gives {}.",
         "Turn the semicolon-separated key=value pairs of $a into a dict of ints."],
    bodies=[
        """
        result = {}
        for part in $a.split(";"):
            if part:
                key, value = part.split("=")
                result[key.strip()] = int(value)
        return result
        """,
        """
        return {k.strip(): int(v) for k, v in (p.split("=") for p in $a.split(";") if p)}
        """],
    gen=lambda r, w:
        (";".join(f"{k}={r.randint(0, 99)}" for k in dict.fromkeys(words(r, w, 0, 4))),),
    idea=["Parsing means turning text into data. Splitting on the outer separator, then on the "
          "inner one, handles simple formats like 'key=value;key=value'.",
          "Tuple unpacking `key, value = part.split('=')` fails loudly if a part has the wrong "
          "shape, which is what we want for bad input."])
fam(key="time_to_minutes", topic="parsing",
    names=["time_to_minutes", "minutes_since_midnight", "clock_to_minutes", "parse_clock"],
    args=[["clock", "time", "stamp"]], sig="$a: str", ret="int",
    doc=["Convert a time 'HH:MM' in $a into minutes since midnight.",
         "How many minutes after midnight is the clock time $a (format HH:MM)?"],
    bodies=[
        """
        hours, minutes = $a.split(":")
        return int(hours) * 60 + int(minutes)
        """,
        """
        h, m = map(int, $a.split(":"))
        return 60 * h + m
        """],
    gen=lambda r, w: (f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}",),
    idea=["`map(int, parts)` converts every piece of a split string to a number in one go.",
          "Storing times as minutes since midnight makes comparing and subtracting them trivial."])
fam(key="parse_csv_row", topic="parsing",
    names=["parse_row", "split_csv_line", "fields_of", "csv_fields"],
    args=[["line", "row", "record"]], sig="$a: str", ret="list[str]",
    doc=["Split the comma-separated $a into fields with surrounding spaces removed.",
         "Return the fields of the CSV line $a, stripped of whitespace."],
    bodies=[
        """
        return [field.strip() for field in $a.split(",")]
        """,
        """
        fields = []
        for raw in $a.split(","):
            fields.append(raw.strip())
        return fields
        """],
    gen=lambda r, w: (" ,".join(r.choice(["", " "]) + x for x in words(r, w, 1, 5)),),
    idea=["Real data has stray spaces. `strip` removes whitespace from both ends of each field "
          "after splitting.",
          "For real CSV files with quotes and escaped commas, the `csv` module is the right "
          "tool; for simple lines, `split` is enough."])
fam(key="roman_to_int", topic="parsing",
    names=["roman_to_int", "parse_roman", "from_roman", "roman_value"],
    args=[["numeral", "roman", "text"]], sig="$a: str", ret="int",
    doc=["Return the value of the Roman numeral $a.",
         "Convert the Roman numeral $a (using I, V, X, L, C, D, M) to an integer."],
    bodies=[
        """
        values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
        total = 0
        for i, ch in enumerate($a):
            # a smaller symbol before a larger one is subtracted, as in IV
            if i + 1 < len($a) and values[ch] < values[$a[i + 1]]:
                total -= values[ch]
            else:
                total += values[ch]
        return total
        """,
        """
        values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
        total = 0
        previous = 0
        for ch in reversed($a):
            v = values[ch]
            total += v if v >= previous else -v
            previous = max(previous, v)
        return total
        """],
    gen=lambda r, w:
        (r.choice(["III", "IV", "IX", "XIV", "XL", "XCIX", "MCMXC", "MMXXIV", "LVIII", "CDXLIV",
                   "DCCC", "MMM", "XIX", "CM"]),),
    idea=["Roman numerals add symbol values, except that a smaller symbol before a larger one "
          "is subtracted.",
          "Reading a numeral from right to left, a symbol is subtracted when it is smaller than "
          "the largest seen so far."])
fam(key="parse_date", topic="parsing",
    names=["parse_date", "date_parts", "split_iso_date", "read_date"],
    args=[["text", "date", "stamp"]], sig="$a: str", ret="tuple",
    doc=["Parse an ISO date 'YYYY-MM-DD' in $a into a tuple of integers (year, month, day).",
         "Return (year, month, day) from the date string $a."],
    bodies=[
        """
        year, month, day = $a.split("-")
        return (int(year), int(month), int(day))
        """,
        """
        return tuple(int(part) for part in $a.split("-"))
        """],
    gen=lambda r, w: (f"{r.randint(1900, 2100)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",),
    idea=["ISO dates put the largest unit first, so they sort correctly as strings and split "
          "cleanly on '-'.",
          "`int('07')` is 7: leading zeros are allowed when parsing."])
fam(key="sum_numbers_in_text", topic="parsing",
    names=["sum_numbers_in_text", "add_embedded_numbers", "numbers_total", "sum_digit_runs"],
    args=[["text", "note", "message"]], sig="$a: str", ret="int",
    doc=["Add up the whole numbers written inside $a, where a number is a maximal run of digits.",
         "Find every run of digits in $a and return their sum."],
    bodies=[
        """
        total = 0
        current = ""
        for ch in $a + " ":
            if ch.isdigit():
                current += ch
            elif current:
                # a non-digit ends the number we were reading
                total += int(current)
                current = ""
        return total
        """,
        """
        return sum(int(m) for m in re.findall(r"[0-9]+", $a))
        """],
    gen=lambda r, w:
        ("".join(r.choice([word(r, w), str(r.randint(0, 500)), " "])
                 for _ in range(r.randint(0, 6))),),
    imports="import re",
    idea=["Scanning text character by character with a buffer for the current number is how "
          "hand-written tokenizers work.",
          "Regular expressions describe text patterns; `[0-9]+` means one or more digits."])
fam(key="parse_duration", topic="parsing",
    names=["parse_duration", "duration_minutes", "read_duration", "to_minutes"],
    args=[["text", "duration", "span"]], sig="$a: str", ret="int",
    doc=["Convert a duration like '2h15m', '45m' or '3h' in $a into a number of minutes.",
         "Return the total minutes of the duration $a written with 'h' and 'm' units."],
    bodies=[
        """
        total = 0
        number = ""
        for ch in $a:
            if ch.isdigit():
                number += ch
            elif ch == "h":
                total += int(number) * 60
                number = ""
            elif ch == "m":
                total += int(number)
                number = ""
        return total
        """,
        """
        hours = minutes = 0
        if "h" in $a:
            head, $a = $a.split("h")
            hours = int(head)
        if $a.endswith("m"):
            minutes = int($a[:-1])
        return hours * 60 + minutes
        """],
    gen=lambda r, w:
        (r.choice([f"{r.randint(1, 9)}h{r.randint(1, 59)}m", f"{r.randint(1, 90)}m",
                   f"{r.randint(1, 9)}h"]),),
    idea=["Small formats with units are parsed by reading digits into a buffer and acting on "
          "each unit letter.",
          "Keeping the conversion factors (60 minutes per hour) in one place avoids subtle bugs."])
fam(key="word_lengths", topic="parsing",
    names=["word_lengths", "lengths_of_words", "measure_words", "token_sizes"],
    args=[["sentence", "text", "line"]], sig="$a: str", ret="list[int]",
    doc=["Return the lengths of the words of $a, in order.",
         "Measure every space-separated word in $a."],
    bodies=[
        """
        return [len(w) for w in $a.split()]
        """,
        """
        return list(map(len, $a.split()))
        """],
    gen=lambda r, w: (sentence(r, w, 0, 6),),
    idea=["`map(len, words)` applies `len` to every word; wrapping it in `list` materialises "
          "the results.",
          "`str.split()` without arguments splits on any run of whitespace and never yields "
          "empty words."])

# ---- more strings, lists and numbers to widen the curriculum
fam(key="count_words_starting", topic="strings",
    names=["count_starting_with", "words_beginning_with", "initial_count", "count_prefix_words"],
    args=[["sentence", "text", "line"], ["letter", "initial", "ch"]],
    sig="$a: str, $b: str", ret="int",
    doc=["Count the words of $a that start with the letter $b.",
         "How many words in $a begin with $b?"],
    bodies=[
        """
        return sum(1 for w in $a.split() if w.startswith($b))
        """,
        """
        count = 0
        for w in $a.split():
            if w[0] == $b:
                count += 1
        return count
        """],
    gen=lambda r, w: (sentence(r, w, 0, 7), r.choice("abcdeglmoprst")),
    idea=["`startswith` is clearer than indexing and also works for longer prefixes.",
          "Splitting first and then testing each word keeps the logic about words, not "
          "characters."])
fam(key="alternating_caps", topic="strings",
    names=["alternate_case", "zigzag_case", "sponge_case", "wave_text"],
    args=[["text", "word", "s"]], sig="$a: str", ret="str",
    doc=["Return $a with characters at even positions in upper case and at odd positions in "
         "lower case.",
         "Alternate upper and lower case through $a, starting with upper case."],
    bodies=[
        """
        return "".join(ch.upper() if i % 2 == 0 else ch.lower() for i, ch in enumerate($a))
        """,
        """
        out = ""
        for i in range(len($a)):
            out += $a[i].upper() if i % 2 == 0 else $a[i].lower()
        return out
        """],
    gen=lambda r, w: (word(r, w),),
    idea=["`enumerate` supplies positions, and the parity of a position decides what happens to "
          "its character.",
          "A conditional expression `a if test else b` chooses between two values inline."])
fam(key="clamp_values", topic="lists",
    names=["clamp_all", "clip_values", "limit_range", "bound_values"],
    args=[["values", "readings", "numbers"], ["low", "minimum", "floor"],
          ["high", "maximum", "ceiling"]],
    sig="$a: list[int], $b: int, $c: int", ret="list[int]",
    doc=["Clamp every number of $a into the range [$b, $c].",
         "Return $a with values below $b raised to $b and values above $c lowered to $c."],
    bodies=[
        """
        return [min(max(x, $b), $c) for x in $a]
        """,
        """
        out = []
        for x in $a:
            if x < $b:
                x = $b
            elif x > $c:
                x = $c
            out.append(x)
        return out
        """],
    gen=lambda r, w: (lambda lo: (ints(r), lo, lo + r.randint(0, 30)))(r.randint(-10, 20)),
    idea=["Clamping keeps values inside a valid range, like a volume knob that cannot turn past "
          "its stops.",
          "`min(max(x, low), high)` first lifts x to at least low, then caps it at high."])
fam(key="split_even_odd", topic="lists",
    names=["split_even_odd", "partition_parity", "evens_and_odds", "separate_by_parity"],
    args=[["numbers", "values", "data"]], sig="$a: list[int]", ret="tuple",
    doc=["Return a pair of lists: the even numbers of $a and the odd numbers of $a, each in "
         "original order.",
         "Partition $a into (evens, odds)."],
    bodies=[
        """
        evens = [x for x in $a if x % 2 == 0]
        odds = [x for x in $a if x % 2 != 0]
        return (evens, odds)
        """,
        """
        evens, odds = [], []
        for x in $a:
            (evens if x % 2 == 0 else odds).append(x)
        return (evens, odds)
        """],
    gen=lambda r, w: (ints(r),),
    idea=["Partitioning splits one list into two by a test. Two comprehensions are clear; one "
          "loop with two targets reads the data once.",
          "An expression can choose which list to append to: `(a if test else b).append(x)`."])
fam(key="max_gap", topic="lists",
    names=["largest_step", "max_adjacent_gap", "biggest_jump", "max_step"],
    args=[["values", "heights", "readings"]], sig="$a: list[int]", ret="int",
    doc=["Return the largest absolute difference between neighbouring items of $a (0 for fewer "
         "than two items).",
         "Find the biggest jump between consecutive numbers in $a."],
    bodies=[
        """
        return max((abs(b - a) for a, b in zip($a, $a[1:])), default=0)
        """,
        """
        best = 0
        for i in range(1, len($a)):
            best = max(best, abs($a[i] - $a[i - 1]))
        return best
        """],
    gen=lambda r, w: (ints(r),),
    idea=["`zip(xs, xs[1:])` pairs every item with its successor, the standard way to look at "
          "neighbours.",
          "`abs` makes the direction of a change irrelevant: a fall of 5 and a rise of 5 are "
          "both steps of 5."])
fam(key="product_of_list", topic="arithmetic and number theory",
    names=["product", "multiply_all", "list_product", "product_of"],
    args=[["numbers", "factors", "values"]], sig="$a: list[int]", ret="int",
    doc=["Return the product of the numbers in $a (1 for an empty list).",
         "Multiply together every number in $a."],
    bodies=[
        """
        result = 1
        for x in $a:
            result *= x
        return result
        """,
        """
        return math.prod($a)
        """],
    gen=lambda r, w: (ints(r, -5, 9, 0, 6),),
    imports="import math",
    idea=["The empty product is 1, just as the empty sum is 0: each is the neutral element of "
          "its operation.",
          "`math.prod` multiplies an iterable, the multiplicative twin of `sum`."])
fam(key="is_leap_year", topic="arithmetic and number theory",
    names=["is_leap_year", "leap_year", "has_feb_29", "check_leap"],
    args=[["year", "y", "when"]], sig="$a: int", ret="bool",
    doc=["Return True if $a is a leap year in the Gregorian calendar.",
         "Does the year $a have 366 days?"],
    bodies=[
        """
        return $a % 4 == 0 and ($a % 100 != 0 or $a % 400 == 0)
        """,
        """
        if $a % 400 == 0:
            return True
        if $a % 100 == 0:
            return False
        return $a % 4 == 0
        """],
    gen=lambda r, w: (r.choice([r.randint(1800, 2200), 1900, 2000, 2100, 2400]),),
    idea=["Leap years are divisible by 4, except centuries, except centuries divisible by 400.",
          "Ordering the tests from the most specific rule to the most general turns nested "
          "exceptions into straight-line code."])
fam(key="bmi_category", topic="conversions",
    names=["bmi_category", "classify_bmi", "weight_class", "bmi_label"],
    args=[["weight_kg", "mass", "kg"], ["height_m", "height", "metres"]],
    sig="$a: float, $b: float", ret="str",
    doc=["Compute weight / height**2 from $a and $b and return 'under' below 18.5, 'normal' "
         "below 25, otherwise 'over'.",
         "Classify the body-mass index of $a kilograms at $b metres as 'under', 'normal' or "
         "'over' (cut-offs 18.5 and 25)."],
    bodies=[
        """
        bmi = $a / $b ** 2
        if bmi < 18.5:
            return "under"
        if bmi < 25:
            return "normal"
        return "over"
        """,
        """
        bmi = $a / ($b * $b)
        return "under" if bmi < 18.5 else "normal" if bmi < 25 else "over"
        """],
    gen=lambda r, w: (r.randint(40, 120), r.choice([1.5, 1.6, 1.7, 1.75, 1.8, 1.9, 2.0])),
    idea=["Classification by thresholds is an `if` chain where each test may assume the "
          "previous ones failed.",
          "Operator precedence puts `**` before `/`, so `w / h ** 2` divides by the square of h."])
fam(key="grade_letter", topic="conversions",
    names=["letter_grade", "grade_for", "score_to_grade", "mark_letter"],
    args=[["score", "mark", "points"]], sig="$a: int", ret="str",
    doc=["Map a score $a from 0 to 100 to a letter: 90+ 'A', 80+ 'B', 70+ 'C', 60+ 'D', else 'F'.",
         "Return the letter grade of $a using the cut-offs 90, 80, 70 and 60."],
    bodies=[
        """
        for cutoff, letter in ((90, "A"), (80, "B"), (70, "C"), (60, "D")):
            if $a >= cutoff:
                return letter
        return "F"
        """,
        """
        if $a >= 90:
            return "A"
        elif $a >= 80:
            return "B"
        elif $a >= 70:
            return "C"
        elif $a >= 60:
            return "D"
        return "F"
        """],
    gen=lambda r, w: (r.randint(0, 100),),
    idea=["A table of (threshold, label) pairs turns a long `elif` chain into data plus a small "
          "loop.",
          "Checking the highest threshold first means every later test can assume the earlier "
          "ones failed."])

TOPICS = sorted({f.topic for f in F} | {"small classes"})

# ----------------------------------------------------------------------------
# small classes: textbook-only families (a class is not a HumanEval-style exercise)

@dataclass
class ClassFamily:
    key: str
    names: list      # candidate class names
    code: str        # class source; $C is the class name
    usage: str       # statements using it; $C class name, $v and $w vocabulary words, $n a number
    idea: list

    def __post_init__(self):  # written as indented multi-line strings, like the function bodies
        self.code = textwrap.dedent(self.code).strip("\n") + "\n"
        self.usage = textwrap.dedent(self.usage).strip("\n")

CLASSES = [
    ClassFamily("stack", ["Stack", "Pile", "PlateStack", "UndoStack"],
        code='''
        class $C:
            """Last in, first out: the newest item leaves first."""

            def __init__(self):
                self.items = []

            def push(self, item):
                self.items.append(item)

            def pop(self):
                # list.pop() removes from the end, which is the top of the stack
                return self.items.pop()

            def __len__(self):
                return len(self.items)
        ''',
        usage="""
        s = $C()
        s.push("$v")
        s.push("$w")
        print(s.pop())
        print(len(s))
        """,
        idea=["A stack keeps items in last-in, first-out order, like a pile of plates. A list "
              "with `append` and `pop` is already a stack; wrapping it in a class names the "
              "idea.",
              "Classes bundle data with the operations allowed on it. A stack only allows push, "
              "pop and asking its size."]),
    ClassFamily("account", ["BankAccount", "Wallet", "PiggyBank", "Account"],
        code='''
        class $C:
            """A balance that can never go below zero."""

            def __init__(self, owner, balance=0):
                self.owner = owner
                self.balance = balance

            def deposit(self, amount):
                self.balance += amount

            def withdraw(self, amount):
                # refuse instead of going negative
                if amount > self.balance:
                    return False
                self.balance -= amount
                return True
        ''',
        usage="""
        acct = $C("$v", $n)
        acct.deposit(10)
        print(acct.withdraw(1000))
        print(acct.balance)
        """,
        idea=["An object keeps its state between method calls. The account remembers its "
              "balance, and its methods are the only way to change it.",
              "Methods can enforce rules (here: no overdraft) so that no caller can break them "
              "by accident."]),
    ClassFamily("counter", ["Tally", "ClickCounter", "Counter", "Clicker"],
        code='''
        class $C:
            """Counts events by name."""

            def __init__(self):
                self.counts = {}

            def add(self, name):
                self.counts[name] = self.counts.get(name, 0) + 1

            def most_common(self):
                # max over keys, compared by their counts
                return max(self.counts, key=self.counts.get)
        ''',
        usage="""
        t = $C()
        for name in ["$v", "$w", "$v"]:
            t.add(name)
        print(t.most_common())
        print(t.counts)
        """,
        idea=["A class can wrap a dictionary and give it a vocabulary of its own: `add` and "
              "`most_common` read better than raw dictionary code.",
              "Passing a bound method such as `self.counts.get` as a key function is a neat "
              "trick worth remembering."]),
    ClassFamily("rectangle", ["Rectangle", "Box", "Frame", "Plot"],
        code="""
        class $C:
            def __init__(self, width, height):
                self.width = width
                self.height = height

            def area(self):
                return self.width * self.height

            def perimeter(self):
                return 2 * (self.width + self.height)

            def __repr__(self):
                # repr is what print shows for the object inside containers
                return f"$C({self.width}, {self.height})"
        """,
        usage="""
        r = $C($n, 3)
        print(r.area(), r.perimeter())
        print([r])
        """,
        idea=["A class describes a kind of object; each instance holds its own attribute "
              "values. Methods compute things from those attributes.",
              "Defining `__repr__` gives objects a readable printed form, which makes debugging "
              "much easier."]),
    ClassFamily("queue", ["Queue", "Line", "TicketQueue", "WaitingList"],
        code='''
        from collections import deque


        class $C:
            """First in, first out."""

            def __init__(self):
                # deque pops from the left in constant time; a list would shift every item
                self.items = deque()

            def join(self, item):
                self.items.append(item)

            def serve(self):
                return self.items.popleft()

            def is_empty(self):
                return not self.items
        ''',
        usage="""
        q = $C()
        q.join("$v")
        q.join("$w")
        print(q.serve())
        print(q.is_empty())
        """,
        idea=["A queue serves items in arrival order. `collections.deque` removes from its "
              "front in constant time, unlike `list.pop(0)`.",
              "Choosing the right underlying container is part of designing a class."]),
    ClassFamily("temperature", ["Temperature", "Reading", "Thermometer", "Celsius"],
        code="""
        class $C:
            def __init__(self, celsius):
                self.celsius = celsius

            @property
            def fahrenheit(self):
                # computed on access, so it can never disagree with celsius
                return round(self.celsius * 9 / 5 + 32, 1)

            def warmer_than(self, other):
                return self.celsius > other.celsius
        """,
        usage="""
        a = $C($n)
        b = $C(21)
        print(a.fahrenheit)
        print(a.warmer_than(b))
        """,
        idea=["A property looks like an attribute but is computed by a method, so derived "
              "values stay consistent with the data they come from.",
              "Methods can take other instances of the same class as arguments, which is how "
              "objects are compared."]),
    ClassFamily("inventory", ["Inventory", "Pantry", "Stockroom", "Backpack"],
        code="""
        class $C:
            def __init__(self):
                self.stock = {}

            def add(self, item, qty=1):
                self.stock[item] = self.stock.get(item, 0) + qty

            def remove(self, item, qty=1):
                if self.stock.get(item, 0) < qty:
                    raise ValueError(f"not enough {item}")
                self.stock[item] -= qty

            def total(self):
                return sum(self.stock.values())
        """,
        usage="""
        inv = $C()
        inv.add("$v", $n)
        try:
            inv.remove("$w", 100)
        except ValueError as err:
            print("refused:", err)
        print(inv.total())
        """,
        idea=["Raising an exception from a method reports misuse to the caller, who can decide "
              "how to handle it.",
              "Keeping the stock in a dictionary inside the object hides the representation: "
              "callers only see add, remove and total."]),
]

# ----------------------------------------------------------------------------
# rendering helpers

def fill(template, names):
    for k, v in names.items():
        template = template.replace(k, v)
    return template

def indent(code, prefix="    "):
    return "\n".join(prefix + line if line else line for line in code.split("\n"))

def call_repr(fname, args):
    return f"{fname}({', '.join(repr(a) for a in args)})"

def run_reference(src, fname, inputs):
    """Run our own rendered function in-process to learn the expected outputs (our code, not
    untrusted code: every record is then re-checked in the sandbox by data_gen.py)."""
    ns = {}
    exec(compile(src, "<reference>", "exec"), ns)
    return [ns[fname](*copy.deepcopy(a)) for a in inputs]

def pick_inputs(r, fam_, w, n):
    """Up to n distinct argument tuples (by repr), so examples and tests are not repeats."""
    seen, out = set(), []
    for _ in range(n * 4):
        a = fam_.gen(r, w)
        if repr(a) not in seen:
            seen.add(repr(a))
            out.append(a)
        if len(out) == n:
            break
    return out

def render_function(r, fam_, audience_ctx=None, examples=(), body=None, with_doc=True):
    """Pick names, phrasing and a body for `fam_`. Returns (fname, header, body_text, names):
    header is the import (if the body needs it), signature and docstring; body_text the indented
    body; names maps the template's $f, $a, $b, $c to the names drawn."""
    fname = r.choice(fam_.names)
    names = {"$f": fname}
    for letter, choices in zip("abc", fam_.args):
        names["$" + letter] = r.choice(choices)
    if len(set(names.values())) < len(names):  # two args drew the same name: use the first choices
        names.update({"$" + l: c[0] for l, c in zip("abc", fam_.args)})
    sig = f"def {fname}({fill(fam_.sig, names)}) -> {fam_.ret}:"
    doc = fill(r.choice(fam_.doc), names)
    verb, rest = doc.split(" ", 1)
    if verb not in NOT_IMPERATIVE and r.random() < 0.3:
        # "Return x ..." -> "Given a and b, return x ..."
        given = " and ".join(names["$" + l] for l in "abc"[:len(fam_.args)])
        doc = f"Given {given}, {verb.lower()} {rest}"
    lines = [doc]
    if audience_ctx and r.random() < 0.5:
        lines += ["", r.choice(CONTEXT_FRAMES).format(ctx=audience_ctx)]
    if r.random() < 0.25:  # a Google-style Args/Returns section, as much real code has
        params = re.findall(r"(\$[abc]): ([^,]+)", fam_.sig)
        lines += ["", "Args:"] + [f"    {names[p]}: {TYPE_WORDS[t]}." for p, t in params]
        lines += ["", "Returns:", f"    {TYPE_WORDS[fam_.ret].capitalize()}."]
    if examples:
        intro = r.choice(["", "For example:", "Examples:", "Example usage:"])
        lines += [""] + ([intro] if intro else [])
        for args, out in examples:
            lines += [f">>> {call_repr(fname, args)}", repr(out)]
    body_src = fill(body if body is not None else r.choice(fam_.bodies), names)
    # the family's import, only when this body uses the imported name
    uses_import = fam_.imports and re.search(rf"\b{fam_.imports.split()[-1]}\b", body_src)
    imports = fam_.imports if uses_import else ""
    header = (imports + "\n\n\n" if imports else "") + sig + "\n"
    if with_doc:
        header += indent('"""' + "\n".join(lines) + ('\n"""' if len(lines) > 1 else '"""')) + "\n"
    return fname, header, indent(body_src) + "\n", names

NOT_IMPERATIVE = {"How", "Which", "What", "Is", "Does", "Smallest", "Run-length", "List,",
                  "Return,", "Average"}
TYPE_WORDS = {"str": "a string", "int": "an integer", "float": "a number", "bool": "True or False",
              "list": "a list", "list[int]": "a list of integers", "list[str]": "a list of strings",
              "list[float]": "a list of floats", "list[list]": "a list of lists",
              "list[tuple]": "a list of tuples", "dict": "a dictionary", "tuple": "a tuple",
              "object": "any value"}
CONTEXT_FRAMES = ["This helper is part of {ctx}.", "Written for {ctx}.", "We need this for {ctx}.",
                  "Useful in {ctx}."]

def audience_of(r):
    who, ctx, vocab = r.choice(AUDIENCES)
    return who, ctx, vocab.split()

# ----------------------------------------------------------------------------
# exercises (CodeExercises): signature + docstring with examples, then the solution, then tests

def make_exercise(seed, index):
    """Exercise number `index` of the stream for `seed`: a dict with prompt, solution, tests,
    entry_point, family and topic. Deterministic in (seed, index) alone."""
    r = random.Random(f"{seed}:exercise:{index}")
    fam_ = r.choice(F)
    who, ctx, w = audience_of(r)
    inputs = pick_inputs(r, fam_, w, r.randint(4, 7))
    # the body is chosen first with its own draw so the examples come from the same function
    body = r.choice(fam_.bodies)
    state = r.getstate()
    fname, header, body_text, _ = render_function(r, fam_, ctx, examples=[], body=body)
    outputs = run_reference(header + body_text, fname, inputs)
    n_ex = min(len(inputs), r.randint(1, 3))
    r.setstate(state)  # re-render with the same choices, now with examples in the docstring
    examples = list(zip(inputs, outputs))[:n_ex]
    fname, header, body_text, _ = render_function(r, fam_, ctx, examples=examples, body=body)
    tests = "".join(f"assert {call_repr(fname, a)} == {o!r}\n" for a, o in zip(inputs, outputs))
    return {"prompt": header, "solution": body_text, "tests": "\n\n" + tests, "entry_point": fname,
            "family": fam_.key, "topic": fam_.topic, "audience": who}

# ----------------------------------------------------------------------------
# textbooks (CodeTextbook): prose, worked code with comments, examples with outputs, practice

TOPIC_INTROS = [
    "This chapter is about {topic}, written for {who}.",
    "In this section we study {topic}. The examples are aimed at {who}, but anyone can follow "
    "along.",
    "{Who} often meet problems about {topic} without noticing it. Let us look at a few.",
    "Here we practise {topic}. Each idea comes with code you can run and the output it prints.",
    "Working with {topic} is a core skill. We take it one small function at a time, with {who} in "
    "mind.",
    "This lesson, for {who}, covers {topic}: short functions, what they print, and a few "
    "exercises at the end.",
    "Most programs need some {topic}. Below, a handful of functions show the ideas that come up "
    "again and again.",
    "We continue with {topic}. Read each function before running it, and guess what it will "
    "print.",
]
SECTION_LEADS = [
    "Consider {ctx}: we need a function `{fname}`.", "Our next tool is `{fname}`.",
    "Let us write `{fname}`.", "A common task: {doc_l}", "Suppose we are building {ctx}. {Doc}",
    "Next, `{fname}`. {Doc}",
    "Here is a function that solves a small problem from {ctx}. {Doc}",
    "We call the next function `{fname}`; its job: {doc_l}",
    "Imagine {ctx}. {Doc} That is what `{fname}` does.",
]
RUN_LEADS = ["Let us try it:", "Here it is in action:", "Running a few examples:", "A quick check:",
             "We can test it on some values:"]
OUTPUT_LEADS = ["Output:", "This prints:", "The program prints:", "Running it gives:"]
PRACTICE_LEADS = ["Practice", "Exercises", "Try it yourself", "Your turn"]
CLOSINGS = [
    "As always, test your functions on small inputs before trusting them with large ones.",
    "Notice how each function does one thing and has a name that says what it does.",
    "Try changing the examples and predict the output before you run the code.",
    "",
]


def nodes(tree, *types):
    return [n for n in ast.walk(tree) if isinstance(n, types)]


def calls_name(tree, *names):
    return any(getattr(n.func, "id", None) in names for n in nodes(tree, ast.Call))


def calls_method(tree, *names):
    return any(getattr(n.func, "attr", None) in names for n in nodes(tree, ast.Call))


# What a reader should notice in a body, by construct: (name, test on the AST and the function's
# name, phrasings). A worked example's explanation is assembled from the constructs its chosen
# body really uses.
CONSTRUCTS = [
    ("recursion", lambda t, f: calls_name(t, f),
     ["`{f}` calls itself on a smaller input; the early `return` is the base case that ends the "
      "chain of calls.",
      "Each recursive call of `{f}` works on a smaller problem, and the base case answers the "
      "smallest one directly."]),
    ("while", lambda t, f: bool(nodes(t, ast.While)),
     ["The `while` loop repeats until its condition turns false, and every pass moves closer to "
      "that point; otherwise it would never stop.",
      "A `while` loop suits this task because the number of steps is not known in advance."]),
    ("for", lambda t, f: bool(nodes(t, ast.For)),
     ["The `for` loop visits each item exactly once, so the running time grows in proportion to "
      "the input.",
      "One pass of the `for` loop is enough: each item is looked at once."]),
    ("comprehension",
     lambda t, f: bool(nodes(t, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)),
     ["The comprehension describes the result in one expression: what to compute, for which "
      "items, under which condition.",
      "A comprehension replaces a loop that appends to a list; it is shorter and usually faster."]),
    ("try", lambda t, f: bool(nodes(t, ast.Try)),
     ["The `try` block holds the operation that may fail, and `except` names exactly the error we "
      "expect, so real bugs still surface.",
      "Only the expected exception is caught; catching everything would hide mistakes."]),
    ("sorting", lambda t, f: calls_name(t, "sorted") or calls_method(t, "sort"),
     ["Sorting costs O(n log n), a little more than one pass, but it makes the code short and "
      "obviously correct.",
      "`sorted` returns a new list and leaves its input alone; `list.sort` would change the "
      "caller's list."]),
    ("dict", lambda t, f: bool(nodes(t, ast.Dict)),
     ["The dictionary finds a key in constant time on average, however many keys it holds."]),
    ("slice", lambda t, f: bool(nodes(t, ast.Slice)),
     ["Slices copy part of a sequence and never raise `IndexError`, even when they run past the "
      "end.",
      "A slice `[i:j]` includes index i and stops just before j."]),
    ("early return",
     lambda t, f: any(nodes(loop, ast.Return) for loop in nodes(t, ast.For, ast.While)),
     ["Returning from inside the loop stops the work as soon as the answer is known."]),
    ("zip/enumerate",
     lambda t, f: any(n.id in ("zip", "enumerate") for n in nodes(t, ast.Name)),
     ["`zip` and `enumerate` remove the need for index arithmetic, a common source of off-by-one "
      "errors."]),
]
HOW_LEADS = ["How it works:", "Reading the code:", "Why this works:", "Notice a few things.", ""]


def explain(r, code, fname):
    tree = ast.parse(code)
    said = [r.choice(p).format(f=fname) for _, test, p in CONSTRUCTS if test(tree, fname)]
    if not said:
        return ""
    said = r.sample(said, min(len(said), r.randint(1, 3)))
    lead = r.choice(HOW_LEADS)
    return (lead + " " if lead else "") + " ".join(said)


def _section(r, fam_, who, ctx, w):
    """One worked concept: prose, code, a run with its printed output.
    Returns (markdown, program, expected_stdout, fname)."""
    body = r.choice(fam_.bodies)
    fname, header, body_text, names = render_function(r, fam_, ctx, examples=[], body=body,
                                                      with_doc=r.random() < 0.6)
    code = header + body_text
    inputs = pick_inputs(r, fam_, w, r.randint(2, 3))
    outputs = run_reference(code, fname, inputs)
    calls = "\n".join(f"print({call_repr(fname, a)})" for a in inputs)
    printed = "".join(f"{o}\n" for o in outputs)
    doc = fill(r.choice(fam_.doc), names)
    lead = r.choice(SECTION_LEADS).format(ctx=ctx, fname=fname, doc_l=doc[0].lower() + doc[1:],
                                          Doc=doc)
    how = explain(r, code, fname)
    title = fname.replace("_", " ").capitalize()
    md = (f"### {title}\n\n{r.choice(fam_.idea)} {lead}\n\n```python\n{code}```\n\n"
          + (f"{how}\n\n" if how else "")
          + f"{r.choice(RUN_LEADS)}\n\n```python\n{calls}\n```\n\n"
          + f"{r.choice(OUTPUT_LEADS)}\n\n```\n{printed}```\n")
    return md, code + "\n" + calls + "\n", printed, fname


def _class_section(r, cf, w):
    """One small class, its use and what that prints. Returns (markdown, program, stdout, name)."""
    name = r.choice(cf.names)
    v1, v2 = r.sample(w, 2)
    subst = {"$C": name, "$v": v1, "$w": v2, "$n": str(r.randint(2, 40))}
    code, usage = fill(cf.code, subst), fill(cf.usage, subst)
    ns, buf = {}, io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code + "\n" + usage + "\n", "<reference>", "exec"), ns)
    md = (f"### The {name} class\n\n{r.choice(cf.idea)}\n\n```python\n{code}```\n\n"
          f"{r.choice(RUN_LEADS)}\n\n```python\n{usage}\n```\n\n{r.choice(OUTPUT_LEADS)}\n\n"
          f"```\n{buf.getvalue()}```\n")
    return md, code + "\n" + usage + "\n", buf.getvalue(), name


def make_textbook(seed, index):
    """Textbook lesson number `index` for `seed`: a dict with text (markdown), topic, audience,
    families, and `checks`: [(program, expected_stdout)] that must run and print exactly that."""
    r = random.Random(f"{seed}:textbook:{index}")
    who, ctx, w = audience_of(r)
    topic = r.choice(TOPICS)
    pool = [f for f in F if f.topic == topic]
    parts, checks, fams = [], [], []
    intro = r.choice(TOPIC_INTROS).format(topic=topic, who=who, Who=who[0].upper() + who[1:])
    parts.append(f"## {topic.capitalize()}\n\n{intro}\n")
    if topic == "small classes":
        for cf in r.sample(CLASSES, r.randint(2, 3)):
            md, prog, out, _ = _class_section(r, cf, w)
            parts.append(md)
            checks.append((prog, out))
            fams.append(cf.key)
    else:
        chosen = r.sample(pool, min(len(pool), r.randint(2, 4)))
        for fam_ in chosen:
            md, prog, out, _ = _section(r, fam_, who, ctx, w)
            parts.append(md)
            checks.append((prog, out))
            fams.append(fam_.key)
        rest = [f for f in pool if f not in chosen] or pool
        items = []
        for k, fam_ in enumerate(r.sample(rest, min(len(rest), r.randint(1, 3))), 1):
            names = {"$" + l: r.choice(c) for l, c in zip("abc", fam_.args)}
            args = ", ".join(names[k2] for k2 in sorted(names))
            items.append(f"{k}. Write `{r.choice(fam_.names)}({args})`. "
                         f"{fill(r.choice(fam_.doc), names)}")
        parts.append(f"### {r.choice(PRACTICE_LEADS)}\n\n" + "\n".join(items) + "\n")
    closing = r.choice(CLOSINGS)
    text = "\n".join(parts) + (f"\n{closing}\n" if closing else "")
    return {"text": text, "topic": topic, "audience": who, "families": fams, "checks": checks}
