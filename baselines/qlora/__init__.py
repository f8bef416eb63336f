"""The QLoRA fine-tuning baseline (the seed's recipe), kept so "fine-tuning hurt" can be re-tested
against test-time scaling. transformers/peft/torch are imported lazily: `agent --help` stays fast."""
