import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val in    = Input(UInt(8.W))
    val out_bytes = Output(UInt(24.W))
    val done = Output(Bool())
  })
  val state = RegInit(0.U(2.W)) // resetn is the implicit reset: the harness inverts it
  val out_bytes_reg = RegInit(VecInit.fill(3)(0.U(8.W)))
  val done_reg = RegInit(false.B)
  val out_bytes_index = RegInit(0.U(2.W))
  val out_bytes_valid = RegInit(false.B)

  when(io.done) {
    done_reg := true.B
  }

  when(state === 0.U) {
    when(io.in(3) === 1.U) {
      state := 1.U
      out_bytes_index := 0.U
      out_bytes_valid := false.B
    }
  }

  when(state === 1.U) {
    when(io.done) {
      state := 2.U
      out_bytes_index := 0.U
      out_bytes_valid := false.B
    }
    when(io.in > out_bytes_reg(out_bytes_index)) {
      out_bytes_reg(out_bytes_index) := io.in
      out_bytes_index := out_bytes_index + 1.U
      out_bytes_valid := true.B
    }
  }

  when(state === 2.U) {
    when(io.done) {
      state := 0.U
      out_bytes_index := 0.U
      out_bytes_valid := false.B
    }
  }

  when(done_reg) {
    io.out_bytes := out_bytes_reg
    out_bytes_valid := true.B
  }

  io.done := done_reg
  io.out_bytes := out_bytes_reg
}
