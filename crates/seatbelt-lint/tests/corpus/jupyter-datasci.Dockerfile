FROM jupyter/scipy-notebook:2023-10-20
USER root
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg=7:4.4.2-0ubuntu0.22.04.1 && rm -rf /var/lib/apt/lists/*
USER ${NB_UID}
RUN pip install --no-cache-dir plotly==5.24.1 seaborn==0.13.2 && fix-permissions "${CONDA_DIR}"
