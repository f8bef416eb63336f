import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk  = Input(Clock())
    val areset = IO(Input(Bool()))
    val load = Input(Bool())
    val ena = Input(Bool())
    val data = Input(UInt(4.W))
    val q = Output(UInt(4.W))
  })
  val reg = RegInit(0.U(4.W))
  when(io.load) {
    reg := io.data
  }.elsewhen(io.ena) {
    reg := Cat(reg(3, 0), reg(3))
  }
  io.q := reg
}
