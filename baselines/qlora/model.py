"""Tokenizer and (quantized) base model + LoRA. bitsandbytes is imported only on the 4-bit path."""
from __future__ import annotations

from baselines.qlora.config import TrainConfig


class TrainError(RuntimeError):
    """A problem the user can fix (no GPU, model not cached, ...); its message is one line."""


def cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def preflight(cfg: TrainConfig) -> None:
    """Fail fast, before any download or allocation, on what cannot work on this machine."""
    if cfg.quantization.load_in_4bit:
        if not cuda_available():
            raise TrainError("4-bit QLoRA needs a CUDA GPU (bitsandbytes) and this machine has none; "
                             "set quantization.load_in_4bit: false for plain LoRA, or run on a GPU box")
        try:
            import bitsandbytes  # noqa: F401
        except ImportError:
            raise TrainError("4-bit QLoRA needs bitsandbytes: pip install 'chisel-agent[gpu]'") from None


def load_tokenizer(cfg: TrainConfig):
    from transformers import AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(cfg.model)
    except OSError as e:
        raise TrainError(f"cannot load the tokenizer of {cfg.model} (HF_HUB_OFFLINE=1: it must be a local "
                         f"directory or already in the HF cache): {str(e).splitlines()[0][:200]}") from None
    if tok.chat_template is None:
        raise TrainError(f"{cfg.model} has no chat template; the prompts are formatted with it")
    if tok.pad_token_id is None:
        tok.pad_token = tok.eos_token
    return tok


def _dtype(name: str):
    import torch

    return {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}[name]


def load_model(cfg: TrainConfig):
    """The base model (NF4 double-quant when asked) wrapped with LoRA adapters on all linear layers."""
    import torch
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
    from transformers import AutoModelForCausalLM

    preflight(cfg)
    kwargs: dict = {}
    if cfg.quantization.load_in_4bit:
        import os

        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type=cfg.quantization.quant_type,
            bnb_4bit_use_double_quant=cfg.quantization.double_quant,
            bnb_4bit_compute_dtype=_dtype(cfg.quantization.compute_dtype),
        )
        kwargs["device_map"] = {"": int(os.environ.get("LOCAL_RANK", 0))}
    dtype = torch.bfloat16 if cfg.training.bf16 else torch.float32
    try:
        model = AutoModelForCausalLM.from_pretrained(cfg.model, dtype=dtype, **kwargs)
    except OSError as e:
        raise TrainError(f"cannot load {cfg.model}: {str(e).splitlines()[0][:200]}") from None
    model.config.use_cache = False  # incompatible with gradient checkpointing; re-enabled for generation
    # non-reentrant checkpointing: the reentrant default is deprecated in torch and warns on every step
    ckpt_kwargs = {"use_reentrant": False}
    if cfg.quantization.load_in_4bit:
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=cfg.training.gradient_checkpointing,
                                                gradient_checkpointing_kwargs=ckpt_kwargs)
    elif cfg.training.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=ckpt_kwargs)
        model.enable_input_require_grads()
    lora = LoraConfig(
        r=cfg.lora.r, lora_alpha=cfg.lora.alpha, lora_dropout=cfg.lora.dropout,
        target_modules=cfg.lora.target_modules, bias="none", task_type="CAUSAL_LM",
    )
    return get_peft_model(model, lora)
