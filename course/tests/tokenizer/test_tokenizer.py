"""Tokenizer, visible tests: phi1's tokenizer against Hugging Face's CodeGen tokenizer (rebuilt
offline from the same GPT-2 ranks, with the 38 whitespace tokens added), which matches added
tokens before BPE in its own, independent code."""
import phi1
from course.tests.helpers import hf_encode, hf_tokenizer

CODE = [
    "def f(x):\n    return x + 1\n",
    "class A:\n    def m(self):\n        if self.x:\n            return  1\n\t\treturn 2\n",
    "x  = 1\ny   =  2  # aligned\n",
    "    return",
    "Hello world",
    " " * 33 + "end",
    "\t\treturn 1",
    "a\n\n\n    \n  b",
]


def test_matches_hf_on_code():
    tok, hf = phi1.get_tokenizer(), hf_tokenizer()
    want = hf_encode(hf, CODE)
    got = [tok.encode(t) for t in CODE]
    for text, g, w in zip(CODE, got, want):
        assert g == w, f"encode({text!r}) = {g}, Hugging Face gives {w}"


def test_decode_round_trips():
    tok = phi1.get_tokenizer()
    for text in CODE + ["naïve café ✓ 日本語\n\t\t\tx", "  " * 40]:
        ids = tok.encode(text)
        assert tok.decode(ids) == text, f"decode(encode({text!r})) = {tok.decode(ids)!r}"
    # ids from the model's padding rows (50295..51199) decode to nothing
    assert tok.decode(tok.encode("a  b") + [50295, 51199]) == "a  b"


def test_endoftext_is_one_token():
    tok, hf = phi1.get_tokenizer(), hf_tokenizer()
    text = "def f():\n    pass\n<|endoftext|>def g():\n        return 2\n"
    assert tok.encode(text) == hf_encode(hf, [text])[0]
    assert tok.encode(text).count(phi1.EOT) == 1
