import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk = Input(Clock())
    val reset = Input(Bool())
    val d = Input(UInt(8.W))
    val q = Output(UInt(8.W))
  })
  val dffs = VecInit(8, RegInit(0x34.U(8.W)))
  when(reset.asBool) {
    dffs.foreach(_ := 0x34.U(8.W))
  } .otherwise {
    dffs.foreach { (dff, i) =>
      dff := dffs(i - 1) ^ d
    }
  }
  io.q := dffs(7)
}
