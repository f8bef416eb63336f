"""The QLoRA baseline trainer, on CPU: a tiny random Qwen2 model and a tokenizer built here (nothing is
downloaded), plain LoRA (no 4-bit), two optimizer steps, adapter saved, reloaded and used."""
from __future__ import annotations

import json
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before any transformers / huggingface_hub import

from pathlib import Path

import pytest
import yaml

from baselines.qlora.config import DEFAULT_CONFIG, ConfigError, load_config, parse_config
from baselines.qlora.data import IGNORE_INDEX, Collator, encode, messages_for, read_alpaca

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def test_hub_is_offline():
    from huggingface_hub import constants

    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert constants.HF_HUB_OFFLINE


def test_default_config_is_the_seed_recipe():
    cfg = load_config(DEFAULT_CONFIG)
    assert cfg.model == "Qwen/Qwen2.5-Coder-14B-Instruct"
    q, lora, t = cfg.quantization, cfg.lora, cfg.training
    assert (q.load_in_4bit, q.quant_type, q.double_quant, q.compute_dtype) == (True, "nf4", True, "bfloat16")
    assert (lora.r, lora.alpha, lora.dropout, lora.target_modules) == (64, 128, 0.05, "all-linear")
    assert (t.learning_rate, t.num_epochs, t.lr_scheduler, t.warmup_ratio) == (2e-4, 3, "cosine", 0.1)
    assert (t.per_device_batch_size, t.gradient_accumulation_steps, t.bf16) == (2, 8, True)
    assert (cfg.data.cutoff_len, cfg.data.val_size) == (2048, 0.05)
    assert cfg.effective_batch_size == 16


def test_config_errors_are_one_line(tmp_path):
    with pytest.raises(ConfigError, match=r"lora\.rank: unknown key"):
        parse_config({"model": "m", "output_dir": "o", "data": {"train_files": ["x"]}, "lora": {"rank": 8}})
    with pytest.raises(ConfigError, match=r"training\.learning_rate"):
        parse_config({"model": "m", "output_dir": "o", "data": {"train_files": ["x"]}, "training": {"learning_rate": -1}})
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML") as e:
        load_config(bad)
    assert "\n" not in str(e.value)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.yaml")


# ------------------------------------------------------------------------------------------ tiny world
def _samples(n: int = 8) -> list[dict]:
    from baselines.datagen.generator import candidate

    return [candidate(5, "L1" if j % 2 else "L2", j).alpaca() for j in range(n)]


def _tokenizer(texts: list[str]):
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<unk>", "<pad>", "<|im_start|>", "<|im_end|>"]
    tk = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tk.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()])
    tk.train_from_iterator(texts + ["system user assistant"], trainers.WordLevelTrainer(special_tokens=specials))
    tok = PreTrainedTokenizerFast(tokenizer_object=tk, unk_token="<unk>", pad_token="<pad>",
                                  bos_token="<|im_start|>", eos_token="<|im_end|>")
    tok.chat_template = CHAT_TEMPLATE
    return tok


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A saved tiny Qwen2 model + tokenizer directory and an Alpaca file."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    root = tmp_path_factory.mktemp("tiny")
    rows = _samples()
    data = root / "train.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    tok = _tokenizer([r["instruction"] + " " + r["output"] for r in rows])
    torch.manual_seed(0)
    cfg = Qwen2Config(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
                      pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id)
    model = Qwen2ForCausalLM(cfg)
    base = root / "base"
    model.save_pretrained(base)
    tok.save_pretrained(base)
    return {"root": root, "base": base, "data": data, "rows": rows}


def _config(tiny, **training) -> dict:
    return {
        "model": str(tiny["base"]), "output_dir": str(tiny["root"] / "out"),
        "data": {"train_files": [str(tiny["data"])], "val_size": 0.25, "cutoff_len": 512},
        "quantization": {"load_in_4bit": False},
        "lora": {"r": 8, "alpha": 16, "dropout": 0.0, "target_modules": "all-linear"},
        "training": {"learning_rate": 5e-3, "max_steps": 2, "per_device_batch_size": 2, "gradient_accumulation_steps": 1,
                     "bf16": False, "gradient_checkpointing": False, "logging_steps": 1, "eval_steps": 1,
                     "save_steps": 1, "warmup_ratio": 0.0, **training},
    }


def test_prompt_tokens_are_masked_and_response_tokens_kept(tiny):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny["base"])
    for row in tiny["rows"]:
        enc = encode(row, tok, cutoff_len=512)
        prompt = tok.apply_chat_template(messages_for(row, None), tokenize=False, add_generation_prompt=True)
        n_prompt = len(tok(prompt, add_special_tokens=False)["input_ids"])
        assert n_prompt > 0 and enc.response_tokens > 0
        assert enc.labels[:n_prompt] == [IGNORE_INDEX] * n_prompt
        assert enc.labels[n_prompt:] == enc.input_ids[n_prompt:]
        assert IGNORE_INDEX not in enc.labels[n_prompt:]
        # the response decodes back to the sample's code (word-level tokenizer: compare the words)
        response = tok.decode(enc.input_ids[n_prompt:], skip_special_tokens=True)
        assert response.split()[:3] == tok.decode(tok(row["output"], add_special_tokens=False)["input_ids"]).split()[:3]
    # truncation keeps the prompt masked and cuts the response; a prompt over the cutoff is dropped
    enc = encode(tiny["rows"][0], tok, cutoff_len=n_prompt + 3)
    assert enc.truncated and len(enc.input_ids) == n_prompt + 3 and enc.response_tokens <= 3
    assert encode(tiny["rows"][0], tok, cutoff_len=4) is None
    batch = Collator(tok.pad_token_id)([{"input_ids": [5, 6, 7], "labels": [-100, 6, 7]}, {"input_ids": [5], "labels": [5]}])
    assert batch["labels"].tolist() == [[-100, 6, 7], [5, -100, -100]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]


def test_two_lora_steps_save_reload_generate(tiny):
    import torch
    from peft import PeftModel
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from baselines.qlora.train import run

    cfg = parse_config(_config(tiny))
    summary = run(cfg)
    assert summary["global_step"] == 2
    assert summary["train"] == 6 and summary["validation"] == 2
    assert "eval_loss" in summary["metrics"] and "train_loss" in summary["metrics"]
    out = Path(cfg.output_dir)
    assert (out / "checkpoint-2").is_dir()
    adapter = out / "adapter"
    weights = load_file(adapter / "adapter_model.safetensors")
    lora_b = [v for k, v in weights.items() if "lora_B" in k]
    assert lora_b, list(weights)[:5]
    # LoRA B starts at zero: any non-zero entry means the optimizer really moved the adapter
    assert max(float(v.abs().max()) for v in lora_b) > 0
    targets = {k.split(".")[-3] for k in weights if "lora_A" in k}
    assert {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"} <= targets  # all-linear

    tok = AutoTokenizer.from_pretrained(adapter)
    base = AutoModelForCausalLM.from_pretrained(tiny["base"])
    prompt = tok.apply_chat_template(messages_for(tiny["rows"][0], None), tokenize=False, add_generation_prompt=True)
    ids = tok(prompt, return_tensors="pt", add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        base_logits = base(ids).logits
    tuned = PeftModel.from_pretrained(base, adapter)
    tuned.eval()
    with torch.no_grad():
        tuned_logits = tuned(ids).logits
        generated = tuned.generate(ids, max_new_tokens=6, do_sample=False, pad_token_id=tok.pad_token_id)
    assert not torch.allclose(base_logits, tuned_logits)
    assert generated.shape[1] > ids.shape[1]


def test_four_bit_without_cuda_is_a_one_line_cli_error(tiny, tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    from typer.testing import CliRunner

    from agent.cli import app
    cfg = _config(tiny)
    cfg["quantization"] = {"load_in_4bit": True}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg))
    r = CliRunner().invoke(app, ["train", str(path)])
    assert r.exit_code != 0
    assert "needs a CUDA GPU" in r.output and "Traceback" not in r.output
    # a dry run still validates everything else and reports the plan
    r = CliRunner().invoke(app, ["train", str(path), "--dry-run", "--json"])
    assert r.exit_code == 0, r.output
    plan = json.loads(r.stdout.strip().splitlines()[-1])
    assert plan["kept"] == 8 and plan["train"] == 6 and plan["warning"].startswith("4-bit needs CUDA")
    assert 0 < plan["response_token_share"] < 1


def test_bad_training_data_is_a_clear_error(tiny, tmp_path):
    from baselines.qlora.model import TrainError
    from baselines.qlora.train import prepare

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"instruction": "x"}\n')
    cfg = _config(tiny)
    cfg["data"]["train_files"] = [str(bad)]
    with pytest.raises(TrainError, match="bad.jsonl:1: expected an Alpaca row"):
        prepare(parse_config(cfg))
    cfg["data"]["train_files"] = [str(tmp_path / "none.jsonl")]
    with pytest.raises(TrainError, match="not found"):
        prepare(parse_config(cfg))
    assert read_alpaca([tiny["data"]])[0].keys() >= {"instruction", "output"}


def test_four_bit_qlora_on_cuda(tiny, tmp_path):
    """The real QLoRA path: NF4 double-quant base (bitsandbytes), bf16, LoRA on all linear layers."""
    import torch

    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU")
    pytest.importorskip("bitsandbytes")
    import bitsandbytes as bnb
    from safetensors.torch import load_file

    from baselines.qlora.model import load_model
    from baselines.qlora.train import run

    raw = _config(tiny, bf16=True, gradient_checkpointing=True)
    raw["output_dir"] = str(tmp_path / "q")
    raw["quantization"] = {"load_in_4bit": True, "quant_type": "nf4", "double_quant": True, "compute_dtype": "bfloat16"}
    cfg = parse_config(raw)
    model = load_model(cfg)
    linear4 = [m for m in model.modules() if isinstance(m, bnb.nn.Linear4bit)]
    assert linear4, "the base model's linear layers must be 4-bit"
    assert all(m.weight.quant_state.quant_type == "nf4" for m in linear4)
    assert linear4[0].weight.quant_state.nested  # double quantization
    del model
    summary = run(cfg)
    assert summary["global_step"] == 2
    weights = load_file(Path(cfg.output_dir) / "adapter" / "adapter_model.safetensors")
    assert max(float(v.abs().max()) for k, v in weights.items() if "lora_B" in k) > 0


def test_training_data_that_is_a_directory_or_not_utf8_is_one_line_naming_it(tmp_path):
    """`train CFG --dry-run --data DIR` was an IsADirectoryError traceback; bad UTF-8 said
    "'utf-8' codec can't decode ..." without the file. Both fail before any model or tokenizer loads."""
    from typer.testing import CliRunner

    from agent.cli import app

    cfg = Path(__file__).resolve().parents[1] / "baselines" / "qlora" / "configs" / "qwen14b_qlora.yaml"
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes(b'{"instruction": "caf\xe9", "output": "x"}\n')
    for data, said in ((tmp_path, "is a directory"), (bad, "not UTF-8")):
        r = CliRunner().invoke(app, ["train", str(cfg), "--dry-run", "--data", str(data)])
        assert r.exit_code == 2, r.output
        assert said in r.output and str(data) in r.output.replace("\n", ""), r.output
        assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
