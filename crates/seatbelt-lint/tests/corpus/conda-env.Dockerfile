FROM continuumio/miniconda3:24.7.1-0
COPY environment.yml /tmp/environment.yml
RUN conda env create -f /tmp/environment.yml && conda clean -afy
SHELL ["conda", "run", "-n", "app", "/bin/bash", "-c"]
COPY . /app
WORKDIR /app
ENTRYPOINT ["conda", "run", "--no-capture-output", "-n", "app", "python", "main.py"]
