import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = IO(Input(Clock()))
    val reset = IO(Input(Bool()))
    val shift_ena = IO(Input(Bool()))
  })
  val shift_ena_reg = RegInit(false.B)
  when(io.reset.asBool) {
    shift_ena_reg := true.B
  }.elsewhen(io.shift_ena.asBool) {
    shift_ena_reg := false.B
  }
  when(shift_ena_reg) {
    io.shift_ena := true.B
  }
}
