"""The lifecycle machines: Create, Get, Update, Delete and tagging (LifecycleMachine), on custom models
(CustomModelMachine) and with a commitment term (CommitmentMachine)."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule

from conformance.catalogue import contract
from conformance.catalogue.settings import RUN_TAG_KEY
from conformance.drivers.stateful.base import ProvisionedThroughputMachine
from conformance.drivers.stateful.calllog import step
from conformance.drivers.stateful.common import (
    CREATE,
    GET,
    INDEX,
    LIST_TAGS,
    NOT_FOUND,
    TAG,
    TAG_KEYS,
    TAG_VALUES,
    TAGS,
    UNKNOWN_MODEL_ID,
    UNTAG,
    UPDATE,
    WORD,
    documented_refusals,
    switched_on,
)
from conformance.drivers.stateful.model import Record
from conformance.catalogue import rules
from conformance.targets import expect
from conformance.targets.expect import answer_of, check, holds, ok, on_call, refused


class LifecycleMachine(ProvisionedThroughputMachine):
    """Create, Get, Update, Delete and tagging, checked against the model after every step.

    It starts from two records (one on a base model, one on a custom model when the target has one) and, unless
    Hypothesis shrinks it away, a battery that takes every action once, so that a short run still meets every
    clause; then random steps."""

    hint = "s"
    max_live = 6
    custom_moves = False  # desiredModelId on custom-model PTs: CustomModelMachine (needs target.custom_models)

    def _custom_movable(self) -> list[Record]:
        if not self.custom_moves:
            return []
        return [r for r in self.live() if r.purchased_custom and r.desired_model_arn in self.customs
                and r.status != "Failed"]

    def _retryable(self) -> list[Record]:
        return [r for r in self.live() if r.token and not r.old_names and self.sole(r)]

    # -- the start ------------------------------------------------------------------------------------------
    @initialize(data=st.data(), foundation_form=st.booleans(), units=st.integers(1, 3), tags=TAGS,
                words=st.tuples(WORD, WORD))
    @step
    def populate(self, data: st.DataObject, foundation_form: bool, units: int, tags: dict[str, str],
                 words: tuple[str, str]) -> None:
        first = self.do_create(0, foundation_form=foundation_form, units=units, tags=tags, use_token=True,
                               word=words[0])
        custom = next((n for n, (origin, _) in enumerate(self.choices) if origin == "custom"), 0)
        second = self.do_create(custom, foundation_form=not foundation_form, word=words[1])
        for action in switched_on(data, self.battery(first, second)):
            self.act(action)  # its own step: a blocked action drops its records, the battery goes on

    def battery(self, first: Record, second: Record) -> list[Callable[[], None]]:
        """Every action once, in an order where each meets the state it needs (common.switched_on says which stay
        on)."""
        alive = self.alive
        return [
            lambda: alive(first) and self.settle(first),
            lambda: alive(first) and self.do_get_both(first),
            lambda: alive(first) and self.do_retry(first),
            lambda: alive(second) and self.do_create_with_live_name(second, 0, use_token=True),
            lambda: alive(first) and self.do_tag(first, {"k0": "v", "k1": ""}),
            lambda: alive(first) and self.do_untag(first, ["k0"]),
            lambda: alive(second) and self.do_fill_tags(second, 1),
            lambda: alive(first) and not first.purchased_custom and self.do_desired_model_on_base(first, 0,
                                                                                                    by_name=True),
            lambda: alive(second) and second in self._custom_movable() and self.do_desired_model_custom(second, 0),
            lambda: alive(first) and self.do_update_nothing(first, by_name=True),
            lambda: alive(first) and self.do_rename(first, word="b"),
            lambda: alive(first, second) and self.do_rename_onto_live_name(second, first, by_name=True),
            lambda: alive(second) and self.settle(second),
            lambda: alive(second) and self.do_delete(second),
        ]

    # -- actions --------------------------------------------------------------------------------------------
    def do_get_both(self, rec: Record) -> None:
        """GET-BY-NAME-AND-ARN: both identifiers answer the same record (when one fails, the other goes on)."""
        by_name, _ = self.attempt("GET-BY-NAME-AND-ARN", GET, (), provisionedModelId=self.ident(rec, by_name=True))
        by_arn = self.get("GET-BY-NAME-AND-ARN", rec.arn)
        self.by_name_refused = self.by_name_refused or by_name is None
        if by_name is not None:
            self.compare(by_name, by_arn, "GET-BY-NAME-AND-ARN",
                         what=f"Get of {rec.name} by name then by ARN", rec=rec)
        self.verify(rec, by_arn)

    def do_retry(self, rec: Record) -> None:
        """CREATE-IDEMPOTENT: the same request with the same clientRequestToken returns the same ARN."""
        answer, code = self.attempt("CREATE-IDEMPOTENT", CREATE, (), **rec.create_params)  # a refusal fails it
        if answer is not None:
            holds(rules.spec("member_is", {**on_call(CREATE, rec.create_params), "success": True},
                             member="provisionedModelArn", want=rec.arn),
                  answer_of(answer), "CREATE-IDEMPOTENT",
                  message=f"a retry of the create of {rec.name} (same clientRequestToken {rec.token}) "
                          f"answered "
                          f"{answer.get('provisionedModelArn')}; the first answer was "
                          f"{rec.arn}", target=self.t)
        self.verify(rec, self.no_second_holder(rec, "after a retry"))

    def no_second_holder(self, rec: Record, after: str) -> dict[str, Any]:
        """CREATE-IDEMPOTENT after a create that repeated ``rec``'s token: List shows no new holder of its name
        (read together with its Get, which is returned)."""
        read_listed, read_got = self.together(
            functools.partial(self.listed_with_name, "CREATE-IDEMPOTENT", rec.name),
            functools.partial(self.get, "CREATE-IDEMPOTENT", rec.arn))
        listed = read_listed()
        check(sorted(s.get("provisionedModelArn") for s in listed) == self.holder_arns(rec.name),
              "CREATE-IDEMPOTENT",
              f"{after} List shows {len(listed)} Provisioned Throughputs named {rec.name}: "
              f"{[s.get('provisionedModelArn') for s in listed]}", target=self.t)
        return read_got()

    def do_reuse_token(self, rec: Record, units: int) -> None:
        """Open question 2: a reused token with other parameters. 201 with the same ARN (changing nothing) or a
        documented 4xx are accepted; either way nothing new exists."""
        params = dict(rec.create_params, modelUnits=rec.units % 3 + 1 if units == rec.units else units)
        answer, _ = self.attempt("CREATE-IDEMPOTENT", CREATE, documented_refusals("CreateProvisionedModelThroughput"),
                                 **params)
        if answer is not None:
            holds(rules.spec("member_is", on_call(CREATE, params), member="provisionedModelArn", want=rec.arn),
                  answer_of(answer), "CREATE-IDEMPOTENT",
                  message=f"a create reusing the clientRequestToken of {rec.name} with other modelUnits "
                          f"answered a new "
                          f"ARN {answer.get('provisionedModelArn')} (the first create answered {rec.arn})",
                  target=self.t)
        got = self.no_second_holder(rec, "after reusing a token")
        check(got.get("desiredModelUnits") == rec.units
              and contract.units_ok(got.get("modelUnits"), got.get("status"), rec.units), "CREATE-IDEMPOTENT",
              f"a create reusing the clientRequestToken of {rec.name} with modelUnits={params['modelUnits']} "
              f"changed its units from {rec.units} to {got.get('desiredModelUnits')} (desired) / "
              f"{got.get('modelUnits')} (allocated, {got.get('status')})", target=self.t)
        self.verify(rec, got)

    def do_create_with_live_name(self, rec: Record, choice: int, *, use_token: bool = False) -> None:
        """CREATE-NAME-UNIQUE: a create with a live name is refused (any documented 4xx) and creates nothing."""
        model_id, custom = self.model_id_for(choice, foundation_form=False)
        params: dict[str, Any] = {"provisionedModelName": rec.name, "modelId": model_id, "modelUnits": 1,
                                  "tags": [dict(self.t.run_tag)]}
        if use_token:
            params["clientRequestToken"] = self.new_token()
        self.refused_names[rec.name] = "CREATE-NAME-UNIQUE"
        # accepted (the clause failed): the model adopts the second record of that name
        refused(self.t, "CREATE-NAME-UNIQUE", CREATE,
                codes=documented_refusals("CreateProvisionedModelThroughput"),
                client=self.t.sdk, accepted=lambda answer: self.adopt_created(params, answer, custom=custom),
                **params)
        listed = self.listed_with_name("CREATE-NAME-UNIQUE", rec.name)
        check(sorted(s.get("provisionedModelArn") for s in listed) == self.holder_arns(rec.name),
              "CREATE-NAME-UNIQUE",
              f"after a refused duplicate create List shows {len(listed)} Provisioned Throughputs named "
              f"{rec.name}", target=self.t)

    def do_refused_create(self, clause: str, codes: tuple[str, ...], word: str, **params: Any) -> None:
        """A create the target must refuse (with one of ``codes``) creates nothing: no name answers, none listed."""
        name = self.new_name(word)
        self.refused_names[name] = clause
        refused(self.t, clause, CREATE, codes=codes, client=self.t.sdk, provisionedModelName=name, **params)
        read_get, read_listed = self.together(
            functools.partial(refused, self.t, clause, GET, codes=NOT_FOUND, client=self.t.sdk,
                              provisionedModelId=name),
            functools.partial(self.listed_with_name, clause, name))
        read_get()
        listed = read_listed()
        check(not listed, clause, f"a create refused with {' or '.join(codes)} still created {name}",
              target=self.t,
              listed=[s.get("provisionedModelArn") for s in listed])

    def do_create_unknown_model(self) -> None:
        """CREATE-UNKNOWN-MODEL: a well-formed model id no target offers is refused (any documented 4xx)."""
        self.do_refused_create("CREATE-UNKNOWN-MODEL", documented_refusals("CreateProvisionedModelThroughput"),
                               "nomodel", modelId=UNKNOWN_MODEL_ID, modelUnits=1, tags=[dict(self.t.run_tag)])

    def do_create_too_many_tags(self) -> None:
        """CREATE-TOO-MANY-TAGS: a create with more than 50 tags is refused (TooManyTags or Validation)."""
        tags = [dict(self.t.run_tag)] + [{"key": f"k{i}", "value": "v"} for i in range(contract.MAX_TAGS)]
        self.do_refused_create("CREATE-TOO-MANY-TAGS", ("TooManyTagsException", "ValidationException"), "many",
                               modelId=self.t.settings.models[0], modelUnits=1, tags=tags)

    def do_rename_onto_live_name(self, rec: Record, taken: Record, *, by_name: bool = False) -> None:
        """UPDATE-RENAME-DUPLICATE: a rename onto another live name is refused and changes nothing."""
        floor = self.floor
        # accepted (the clause failed): the model adopts it, two records now share the name, and the next
        # steps are judged against that (they address both by ARN)
        code = refused(self.t, "UPDATE-RENAME-DUPLICATE", UPDATE,
                       codes=documented_refusals("UpdateProvisionedModelThroughput"), client=self.t.sdk,
                       provisionedModelId=self.ident(rec, by_name=by_name), desiredProvisionedModelName=taken.name,
                       accepted=lambda _: self.renamed(rec, taken.name, floor))
        if not code:  # the server renamed it: the old name goes as after any rename
            self.name_gone(rec, rec.old_names[-1])
            self.verify(rec, self.get("UPDATE-RENAME-DUPLICATE", rec.arn))
            return
        read_rec, read_holder = self.together(
            functools.partial(self.get, "UPDATE-RENAME-DUPLICATE", rec.arn),
            functools.partial(self.resolve, "UPDATE-RENAME-DUPLICATE", taken, taken.name))
        self.verify(rec, read_rec())
        holder = read_holder()
        check(holder.get("provisionedModelArn") == taken.arn, "UPDATE-RENAME-DUPLICATE",
              f"after a refused rename of {rec.name} onto {taken.name}, that name resolves to "
              f"{holder.get('provisionedModelArn')}, not {taken.arn}", target=self.t)

    def do_desired_model_on_base(self, rec: Record, choice: int, *, foundation_form: bool = False,
                                 by_name: bool = False) -> None:
        """UPDATE-DESIRED-MODEL-BASE: desiredModelId is refused for a Provisioned Throughput on a base model."""
        options = []
        for n in range(len(self.choices)):
            model_id, _ = self.model_id_for(n, foundation_form=foundation_form)
            if self.full_model_arn(model_id) != rec.model_arn:
                options.append(model_id)
        if not options:  # only one model is configured: ask for the one it serves in the other form
            options = [self.model_id_for(0, foundation_form=not foundation_form)[0]]
        desired = options[choice % len(options)]
        floor = self.floor

        def adopt(_: Any) -> None:  # accepted (the clause failed): the model follows the model change
            rec.desired_model_arn = self.full_model_arn(desired)
            rec.last_update = "model"
            rec.pending = "update"
            rec.floor_pending = floor
            self.follow_foundation.add(rec.arn)

        refused(self.t, "UPDATE-DESIRED-MODEL-BASE", UPDATE,
                codes=documented_refusals("UpdateProvisionedModelThroughput"),
                client=self.t.sdk, provisionedModelId=self.ident(rec, by_name=by_name), desiredModelId=desired,
                accepted=adopt)
        self.verify(rec, self.get("UPDATE-DESIRED-MODEL-BASE", rec.arn))

    def do_desired_model_custom(self, rec: Record, choice: int, *, by_name: bool = False) -> None:
        """UPDATE-DESIRED-MODEL-CUSTOM: a custom-model PT moves to its base model or another custom model of the
        same base; desiredModelArn changes at once, modelArn follows when the update ends."""
        self.settle(rec)
        if rec.status != "InService":
            return
        base = self.customs[rec.model_arn]
        options = [base, contract.foundation_arn(base, self.region)]
        options += [arn for arn, b in self.customs.items() if b == base and arn != rec.model_arn]
        desired = options[choice % len(options)]
        floor = self.floor
        ok(self.t, "UPDATE-DESIRED-MODEL-CUSTOM", UPDATE, provisionedModelId=self.ident(rec, by_name=by_name),
           desiredModelId=desired)
        rec.desired_model_arn = self.full_model_arn(desired)
        rec.last_update = "model"
        rec.pending = "update"
        rec.floor_pending = floor
        self.verify(rec, self.get("UPDATE-DESIRED-MODEL-CUSTOM", rec.arn))

    def other_base_customs(self, rec: Record) -> list[str]:
        """The custom models of the target whose base model is not the one ``rec`` was bought for."""
        base = self.customs.get(rec.model_id)
        return [arn for arn, other in self.customs.items() if base is not None and other != base]

    def do_desired_model_cross_base(self, rec: Record, choice: int, *, by_name: bool = False) -> None:
        """UPDATE-DESIRED-MODEL-CROSS-BASE: a custom-model PT can't move to a custom model of another base model
        (documented 4xx), and nothing changes."""
        self.settle(rec)
        options = self.other_base_customs(rec)
        if rec.status != "InService" or not options:
            return
        refused(self.t, "UPDATE-DESIRED-MODEL-CROSS-BASE", UPDATE,
                codes=documented_refusals("UpdateProvisionedModelThroughput"), client=self.t.sdk,
                provisionedModelId=rec.name if by_name else rec.arn, desiredModelId=options[choice % len(options)])
        self.verify(rec, self.get("UPDATE-DESIRED-MODEL-CROSS-BASE", rec.arn))

    def do_update_nothing(self, rec: Record, *, by_name: bool = False) -> None:
        """UPDATE-EMPTY: an update naming nothing answers 200 or a documented 4xx (the clause: undocumented, all
        accepted) and changes nothing."""
        answer, _ = self.attempt("UPDATE-EMPTY", UPDATE, documented_refusals("UpdateProvisionedModelThroughput"),
                                 provisionedModelId=self.ident(rec, by_name=by_name))
        if answer is not None:
            rec.last_update = rec.last_update or "empty"
            rec.pending = rec.pending or "update"
        self.verify(rec, self.get("UPDATE-EMPTY", rec.arn))

    def do_tag(self, rec: Record, tags: dict[str, str]) -> None:
        """TAG-ADD, or TAG-LIMIT past 50 tags counting existing ones (refused, nothing changes)."""
        t = self.t
        self.touched.add(rec.arn)
        wire = [{"key": k, "value": v} for k, v in tags.items()]
        if len(set(rec.tags) | set(tags)) <= contract.MAX_TAGS:
            ok(t, "TAG-ADD", TAG, resourceARN=rec.arn, tags=wire)
            rec.tags.update(tags)
            rec.tag_op = "tag"
        else:
            codes = ("TooManyTagsException",) + (("ValidationException",) if len(wire) > 200 else ())
            # a reproducer replays the creates and tags that filled it (an untag the target ignored in the run
            # would leave room in a replay on a target that no longer ignores it)
            refused(t, "TAG-LIMIT", TAG, codes=codes, client=t.sdk, steps=(CREATE, TAG), resourceARN=rec.arn,
                    tags=wire,
                    accepted=lambda _: rec.tags.update(tags))  # accepted (the clause failed): the tags are there
            rec.tag_op = "limit"
        self.check_tags(rec)

    def do_fill_tags(self, rec: Record, extra: int) -> None:
        """Tag up to exactly 50 (accepted), then ``extra`` more (TAG-LIMIT: refused, nothing changes)."""
        fresh = (f"fill{n}" for n in itertools.count() if f"fill{n}" not in rec.tags)
        room = contract.MAX_TAGS - len(rec.tags)
        if room > 0:
            self.do_tag(rec, {key: "x" for key in itertools.islice(fresh, room)})
        if extra:
            self.do_tag(rec, {key: "y" for key in itertools.islice(fresh, extra)})

    def do_untag(self, rec: Record, keys: list[str]) -> None:
        """UNTAG-REMOVE: exactly the named keys go (never the run tag, so the sweep can find leftovers)."""
        self.touched.add(rec.arn)
        if all(key in rec.tags for key in keys):
            ok(self.t, "UNTAG-REMOVE", UNTAG, resourceARN=rec.arn, tagKeys=keys)
        else:  # a key the resource lacks: ignored or ValidationException (undocumented), nothing else changes
            answer, _ = self.attempt("UNTAG-REMOVE", UNTAG, ("ValidationException",), resourceARN=rec.arn,
                                     tagKeys=keys)
            if answer is None:
                self.check_tags(rec, "UNTAG-REMOVE")
                return
        for key in keys:
            rec.tags.pop(key, None)
        rec.tag_op = "untag"
        self.check_tags(rec)

    # -- rules ----------------------------------------------------------------------------------------------
    @rule(index=INDEX)
    @step
    def get_by_name_and_arn(self, index: int) -> None:
        rec = self.pick(self.live(), index)
        if rec:
            self.do_get_both(rec)

    @rule(index=INDEX)
    @step
    def retry_create(self, index: int) -> None:
        rec = self.pick(self._retryable(), index)
        if rec:
            self.do_retry(rec)

    @rule(index=INDEX, units=st.integers(1, 3))
    @step
    def reuse_token_other_units(self, index: int, units: int) -> None:
        rec = self.pick(self._retryable(), index)
        if rec:
            self.do_reuse_token(rec, units)

    @rule(index=INDEX, choice=INDEX, use_token=st.booleans())
    @step
    def create_with_live_name(self, index: int, choice: int, use_token: bool) -> None:
        rec = self.pick([r for r in self.live() if self.sole(r)], index)  # a shared name: the server's guess
        if rec:
            self.do_create_with_live_name(rec, choice, use_token=use_token)

    @rule(index=INDEX, by_name=st.booleans(), word=WORD)
    @step
    def rename(self, index: int, by_name: bool, word: str) -> None:
        rec = self.pick(self.live(), index)
        if rec:
            self.do_rename(rec, by_name=by_name, word=word)

    @rule(index=INDEX, other=INDEX, by_name=st.booleans())
    @step
    def rename_onto_live_name(self, index: int, other: int, by_name: bool) -> None:
        rec = self.pick(self.live(), index)
        taken = self.pick([r for r in self.live() if r is not rec and self.sole(r)], other)
        if rec and taken:
            self.do_rename_onto_live_name(rec, taken, by_name=by_name)

    @rule(index=INDEX, choice=INDEX, foundation_form=st.booleans(), by_name=st.booleans())
    @step
    def desired_model_on_base(self, index: int, choice: int, foundation_form: bool, by_name: bool) -> None:
        rec = self.pick([r for r in self.live() if not r.purchased_custom], index)
        if rec:
            self.do_desired_model_on_base(rec, choice, foundation_form=foundation_form, by_name=by_name)

    @precondition(lambda self: self.custom_moves)
    @rule(index=INDEX, choice=INDEX, by_name=st.booleans())
    @step
    def desired_model_custom(self, index: int, choice: int, by_name: bool) -> None:
        rec = self.pick(self._custom_movable(), index)
        if rec:
            self.do_desired_model_custom(rec, choice, by_name=by_name)

    @rule(index=INDEX, by_name=st.booleans())
    @step
    def update_nothing(self, index: int, by_name: bool) -> None:
        rec = self.pick(self.live(), index)
        if rec:
            self.do_update_nothing(rec, by_name=by_name)

    @rule(index=INDEX, tags=st.dictionaries(st.sampled_from(TAG_KEYS), st.sampled_from(TAG_VALUES), min_size=1,
                                            max_size=4))
    @step
    def tag(self, index: int, tags: dict[str, str]) -> None:
        rec = self.pick(self.live(), index)
        if rec:
            self.do_tag(rec, tags)

    @rule(index=INDEX, extra=st.integers(0, 2))
    @step
    def fill_tags(self, index: int, extra: int) -> None:
        rec = self.pick(self.live(), index)
        if rec:
            self.do_fill_tags(rec, extra)

    @rule(index=INDEX, picks=st.lists(INDEX, min_size=1, max_size=4))
    @step
    def untag(self, index: int, picks: list[int]) -> None:
        rec = self.pick(self.live(), index)
        if rec is None:
            return
        keys = sorted(k for k in rec.tags if k != RUN_TAG_KEY)
        if not keys:  # nothing to remove yet: add one first
            self.do_tag(rec, {"k0": "v"})
            keys = ["k0"]
        self.do_untag(rec, sorted({keys[p % len(keys)] for p in picks}))

    # -- issue 24: what the evidence of real AWS runs shows (docs/aws.md, "A first real run") -----------------
    def _tags_now(self, rec: Record, clause: str) -> dict[str, str]:
        return contract.tag_dict(ok(self.t, clause, LIST_TAGS, resourceARN=rec.arn).get("tags"))

    def _tags_hold(self, rec: Record, clause: str, want: dict[str, str | None], *, tags: dict[str, str],
                   message: str) -> None:
        """``clause``: ListTagsForResource of ``rec`` (just read: ``tags``) answers ``want`` (rules.tag_values)."""
        answer = {"status": 200, "code": None, "body": {"tags": [{"key": k, "value": v} for k, v in tags.items()]}}
        holds(rules.spec("tag_values", {**on_call(LIST_TAGS, {"resourceARN": rec.arn}), "success": True}, want=want),
              answer, clause, message=message, target=self.t, tags=tags)

    def do_tag_empty_value(self, rec: Record) -> None:
        """TAG-EMPTY-VALUE: a tag with an empty value is kept, and answered as ""."""
        self.do_tag(rec, {"blank": ""})
        tags = self._tags_now(rec, "TAG-EMPTY-VALUE")
        self._tags_hold(rec, "TAG-EMPTY-VALUE", {"blank": ""}, tags=tags,
                        message=f"after tagging blank='' ListTagsForResource of "
                                f"{rec.name} answers {tags.get('blank', '(no such tag)')!r} for it")

    def do_tag_key_case(self, rec: Record) -> None:
        """TAG-KEY-CASE: keys that differ only in case are two tags; untagging one leaves the other."""
        self.do_tag(rec, {"case": "lower"})
        self.do_tag(rec, {"Case": "upper"})
        tags = self._tags_now(rec, "TAG-KEY-CASE")
        self._tags_hold(rec, "TAG-KEY-CASE", {"case": "lower", "Case": "upper"}, tags=tags,
                        message=f"after tagging case=lower then Case=upper, {rec.name} holds {tags}")
        rec.tags = tags
        if "Case" in tags:
            self.do_untag(rec, ["Case"])
            tags = self._tags_now(rec, "TAG-KEY-CASE")
            self._tags_hold(rec, "TAG-KEY-CASE", {"case": "lower", "Case": None}, tags=tags,
                            message=f"after untagging Case, {rec.name} holds {tags}; expected case=lower to "
                                    f"stay")
            rec.tags = tags

    def do_tag_reserved_prefix(self, rec: Record) -> None:
        """TAG-RESERVED-PREFIX (unsettled): a key starting aws: is accepted, or refused with a documented 4xx and
        nothing changed; never half-applied."""
        wire = [{"key": "aws:conformance", "value": "1"}, {"key": "reserved-probe", "value": "1"}]
        answer, code = self.attempt("TAG-RESERVED-PREFIX", TAG, documented_refusals("TagResource"),
                                    resourceARN=rec.arn, tags=wire)
        expected = dict(rec.tags) | (contract.tag_dict(wire) if answer is not None else {})
        tags = self._tags_now(rec, "TAG-RESERVED-PREFIX")
        what = "accepted" if answer is not None else f"refused ({code})"
        check(tags == expected, "TAG-RESERVED-PREFIX", f"a TagResource with an aws: key was {what}; "
              f"{rec.name} then holds {tags}, expected {expected}", target=self.t, tags=tags)
        rec.tags = tags

    def do_rename_keeps_arn(self, rec: Record) -> None:
        """UPDATE-RENAME-KEEPS-ARN: after a rename the ARN still resolves, to the new name, and takes tagging."""
        self.do_rename(rec, word="kar")
        got = ok(self.t, "UPDATE-RENAME-KEEPS-ARN", GET, provisionedModelId=rec.arn)
        check((got.get("provisionedModelArn"), got.get("provisionedModelName")) == (rec.arn, rec.name),
              "UPDATE-RENAME-KEEPS-ARN", f"after the rename to {rec.name}, Get {rec.arn} answers "
              f"{got.get('provisionedModelArn')} named {got.get('provisionedModelName')!r}", target=self.t)
        ok(self.t, "UPDATE-RENAME-KEEPS-ARN", LIST_TAGS, resourceARN=rec.arn)

    def do_quota_probe(self, units: int) -> bool:
        """CREATE-QUOTA-REFUSAL: a create the quota refuses (ServiceQuotaExceededException) creates nothing. A
        target that accepts ``units`` (or refuses it otherwise) has no quota to judge: False (the PT is deleted
        again)."""
        name = self.new_name("quota")
        answer, code = self.attempt("CREATE-QUOTA-REFUSAL", CREATE, documented_refusals(
            "CreateProvisionedModelThroughput"), provisionedModelName=name, modelId=self.t.settings.models[0],
            modelUnits=units, tags=[dict(self.t.run_tag)])
        if answer is not None:  # no quota here: gone again (a delete while Creating may be refused: settle first)
            arn = answer["provisionedModelArn"]
            expect.wait_settled(self.t, "CREATE-LIFECYCLE", arn)
            self.t.sdk.delete_provisioned_model_throughput(provisionedModelId=arn)
            return False
        if code != "ServiceQuotaExceededException":
            return False
        self.refused_names[name] = "CREATE-QUOTA-REFUSAL"
        refused(self.t, "CREATE-QUOTA-REFUSAL", GET, codes=NOT_FOUND, client=self.t.sdk,
                provisionedModelId=name)
        listed = self.listed_with_name("CREATE-QUOTA-REFUSAL", name)
        check(not listed, "CREATE-QUOTA-REFUSAL", f"a create refused with ServiceQuotaExceededException still "
              f"created {name}", target=self.t, listed=[s.get("provisionedModelArn") for s in listed])
        return True


    def do_failed_lifecycle(self, model_id: str) -> bool:
        """DELETE-FAILED: a create that ends Failed is still listed (status Failed) and can be deleted, after which
        it is gone. False when the create did not end Failed (nothing to judge)."""
        t, clause = self.t, "DELETE-FAILED"
        name = self.new_name("fail")
        arn = ok(t, clause, CREATE, provisionedModelName=name, modelId=model_id, modelUnits=1,
                 tags=[dict(t.run_tag)])["provisionedModelArn"]
        if expect.wait_settled(t, clause, arn).get("status") != "Failed":
            ok(t, clause, "delete_provisioned_model_throughput", provisionedModelId=arn)
            return False
        listed = self.listed_with_name(clause, name)
        check([(s.get("provisionedModelArn"), s.get("status")) for s in listed] == [(arn, "Failed")], clause,
              f"the Failed {name} is listed as {[(s.get('provisionedModelArn'), s.get('status')) for s in listed]}",
              target=t)
        ok(t, clause, "delete_provisioned_model_throughput", provisionedModelId=arn)
        t.forget(arn)
        expect.wait_gone(t, arn)
        refused(t, clause, GET, codes=NOT_FOUND, client=t.sdk, provisionedModelId=arn)
        return True


class CustomModelMachine(LifecycleMachine):
    """The lifecycle on custom-model Provisioned Throughputs, moved between their base model and custom models of
    the same base (UPDATE-DESIRED-MODEL-CUSTOM)."""

    hint = "u"
    max_live = 4
    custom_moves = True

    def __init__(self) -> None:
        super().__init__()
        self.choices = [("custom", arn) for arn in self.customs]


class CommitmentMachine(LifecycleMachine):
    """The lifecycle with a commitment term on at most ``max_commitments`` records (emulators only)."""

    hint = "c"
    max_live = 4
    max_commitments = 1

    def battery(self, first: Record, second: Record) -> list[Callable[[], None]]:
        committed: list[Record] = []
        return [lambda: committed.append(self.do_create_committed(0, commitment=contract.COMMITMENTS[0],
                                                                  use_token=True)),
                lambda: committed and self.alive(committed[0]) and self.do_delete(committed[0]),
                *super().battery(first, second)]

    def do_create_committed(self, choice: int, *, commitment: str, foundation_form: bool = False,
                            use_token: bool = False) -> Record:
        """CREATE-COMMITMENT; its delete is DELETE-COMMITMENT-REFUSED (do_delete)."""
        self.commitments += 1
        rec = self.do_create(choice, foundation_form=foundation_form, use_token=use_token, word="cm",
                             commitment=commitment)
        self.settle(rec)
        return rec

    @rule(choice=INDEX, foundation_form=st.booleans(), commitment=st.sampled_from(contract.COMMITMENTS),
          use_token=st.booleans())
    @step
    def create_with_commitment(self, choice: int, foundation_form: bool, commitment: str, use_token: bool) -> None:
        if len(self.records) < self.max_live and self.commitments < self.max_commitments \
                and not self.t.settings.kind.billable:
            self.do_create_committed(choice, commitment=commitment, foundation_form=foundation_form,
                                     use_token=use_token)

    @rule(index=INDEX, by_name=st.booleans())
    @step
    def delete_committed(self, index: int, by_name: bool) -> None:
        rec = self.pick([r for r in self.live() if r.commitment], index)
        if rec:
            self.do_delete(rec, by_name=by_name)

