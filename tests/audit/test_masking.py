"""Anonymised examples, template keys and pseudonyms."""
from __future__ import annotations

from twoway.audit.masking import example, mask, pseudonym, template_key


def test_names_addresses_numbers_and_merge_fields_are_masked():
    masked = mask("Ping Jordan Reyes at jordan@client.example or +1 555 0142 about the 20% offer "
                  "for {{company}} and [First Name] at www.halvorsen.example/pricing.")
    assert "Jordan" not in masked and "Reyes" not in masked and "client.example" not in masked
    assert "555" not in masked and "20" not in masked and "company" not in masked and "halvorsen" not in masked
    assert masked.startswith("Ping [name] at [email] or [phone] about the [number] offer for [field] and [field]")


def test_sentence_openings_weekdays_and_i_stay_readable():
    assert mask("Honestly, I'd sign by Friday before March ends.") == "Honestly, I'd sign by Friday before March ends."
    assert mask("We met Halvorsen Freight in May.") == "We met [name] in May."


def test_examples_are_short():
    long = "This discount expires soon " * 20
    assert len(example(long)) <= 160 and example(long).endswith("…")


def test_a_template_sent_with_different_merge_values_has_one_key():
    a = "Hi Jordan,\n\nThe Orchard Labs pilot ends on Friday with 12 seats.\n\nBest,\nAvery"
    b = "Hi Priya,\n\nThe   Bluefin Dental pilot ends on Tuesday with 40 seats.\n\nBest,\nAvery"
    c = "Hi Priya,\n\nHow is the Bluefin Dental pilot going for your team?\n\nBest,\nAvery"
    assert template_key(a) == template_key(b) != template_key(c)


def test_pseudonyms_are_stable_for_a_key_and_differ_between_keys():
    assert pseudonym("Avery@Northwind.example", b"k1") == pseudonym("avery@northwind.example ", b"k1")
    assert pseudonym("avery@northwind.example", b"k1") != pseudonym("avery@northwind.example", b"k2")
    assert pseudonym("avery@northwind.example", b"k1") != pseudonym("bea@northwind.example", b"k1")
    assert "avery" not in pseudonym("avery@northwind.example", b"k1").lower()
