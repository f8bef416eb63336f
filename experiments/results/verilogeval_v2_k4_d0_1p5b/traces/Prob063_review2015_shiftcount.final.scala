import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val shift_ena = Input(Bool())
    val count_ena = Input(Bool())
    val data     = Input(UInt(4.W))
    val q     = Output(UInt(4.W))
  })
  val shift_reg = RegInit(0.U(4.W))
  val count_reg = RegInit(0.U(4.W))
  when(io.shift_ena) {
    shift_reg := Cat(shift_reg(3, 0), io.data)
  }.elsewhen(io.count_ena) {
    count_reg := count_reg + 1.U
  }
  io.q := shift_reg
  when(io.count_ena) {
    count_reg := 0.U
  }
}
