"""The short model card saved with every training run: what the models are for, their data, figures and limits."""

from __future__ import annotations

from typing import Any

from assistant.models.features import FEATURES


def _figure(value: Any) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _cross_validation(folds: dict[str, Any]) -> str:
    churn, churn_base = folds["churn"]["model"], folds["churn"]["logistic_regression_baseline"]
    offer, offer_base = folds["next_best_offer"]["model"], folds["next_best_offer"]["most_popular_baseline"]
    return (f"Five-fold cross-validation over all {churn['customers']} labelled customers: churn AUC "
            f"{_figure(churn['auc'])} against {_figure(churn_base['auc'])}, PR AUC {_figure(churn['pr_auc'])} against "
            f"{_figure(churn_base['pr_auc'])}; offers hit rate at 3 {_figure(offer['hit_rate_at_3'])} against "
            f"{_figure(offer_base['hit_rate_at_3'])}, MAP at 3 {_figure(offer['map_at_3'])} against "
            f"{_figure(offer_base['map_at_3'])}.")


def model_card(manifest: dict[str, Any]) -> str:
    """Markdown for the model card of one training run."""
    metrics = manifest["metrics"]
    churn, churn_base = metrics["churn"]["model"], metrics["churn"]["logistic_regression_baseline"]
    offer, offer_base = metrics["next_best_offer"]["model"], metrics["next_best_offer"]["most_popular_baseline"]
    features = "\n".join(f"- `{name}`: {meaning}" for name, meaning in FEATURES)
    return f"""# Model card: churn risk and next-best-offer (feature version {manifest['feature_version']})

Trained {manifest['trained_at']} on data as of {manifest['as_of']} (fingerprint `{manifest['data_fingerprint']}`,
code `{manifest['code_version']}`): {manifest['training_customers']} training customers, {manifest['held_out_customers']}
held out for measurement.

## What they are for
- **Churn risk**: the probability that a customer closes their accounts within {manifest['horizon_days']} days. Used to
  decide whether a customer who asks to close is offered a retention offer, to show agents the risk and its reasons,
  and by the batch job that raises throttled retention offers. It never decides anything on its own.
- **Next best offer**: which product a customer is likely to take up next, ranked among the products they may be
  offered (never one they hold; credit only where they qualify by age, income and affordability).

## Models
LightGBM gradient-boosted trees: a binary model for churn and a multiclass model over {len(manifest['products'])}
products ({', '.join(manifest['products'])}). Reasons given to customers come from the models' own per-feature
contributions (TreeSHAP, `pred_contrib`), mapped to plain sentences; age is never given as a reason.

## Data
The synthetic Lumen Bank: each customer's hidden ground truth (churned within the horizon; product taken up next)
is drawn by the generator from behaviours that show up in the data (falling balances, pay stopping or irregular,
money moved to other banks, complaints, fees, fewer sign-ins, travel, idle balances, revolving credit), with noise.
Churn rate in training: {manifest['churn_rate']:.3f}.

Features ({len(FEATURES)}):
{features}

## Figures on held-out customers
| model | AUC | PR AUC | Brier |
| --- | ---: | ---: | ---: |
| churn (LightGBM) | {_figure(churn['auc'])} | {_figure(churn['pr_auc'])} | {_figure(churn['brier'])} |
| logistic regression baseline | {_figure(churn_base['auc'])} | {_figure(churn_base['pr_auc'])} | {_figure(churn_base['brier'])} |

| model | hit rate at 3 | MAP at 3 | customers |
| --- | ---: | ---: | ---: |
| next best offer (LightGBM) | {_figure(offer['hit_rate_at_3'])} | {_figure(offer['map_at_3'])} | {offer['customers']} |
| most popular product baseline | {_figure(offer_base['hit_rate_at_3'])} | {_figure(offer_base['map_at_3'])} | {offer_base['customers']} |

{_cross_validation(metrics["cross_validation_5_fold"])}

The same figures by age band are in the report (`python -m assistant.models report`).

## Known limits
- Trained and measured on synthetic customers whose behaviour follows the generator's rules; real customers will
  differ, and the figures say nothing about them.
- One snapshot: features at one as-of date and outcomes over the following {manifest['horizon_days']} days; no
  seasonality, no change of behaviour over time. Drift (PSI per feature) is reported to catch when current data
  moves away from the training data.
- Small held-out sets per age band give noisy band figures; the youngest and oldest bands are smallest.
- Income is estimated from money paid in, not declared; eligibility rules use that estimate.
"""
