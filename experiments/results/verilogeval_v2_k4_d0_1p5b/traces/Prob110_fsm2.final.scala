import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val a    = Input(UInt(1.W))
    val b    = Input(UInt(1.W))
    val out  = Output(UInt(1.W))
  })
  val aReg = RegInit(0.U(1.W))
  val bReg = RegInit(0.U(1.W))
  val outReg = RegInit(0.U(1.W))
  when(io.reset) {
    aReg := 0.U
    bReg := 0.U
    outReg := 0.U
  } .otherwise {
    aReg := io.a
    bReg := io.b
    outReg := aReg ^ bReg
  }
  io.out := outReg
}
