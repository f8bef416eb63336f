import chisel3._
import chisel3.util._

class Mux2to1_32bit extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(32.W))
    val b    = Input(UInt(32.W))
    val sel  = Input(Bool())
    val out  = Output(UInt(32.W))
  })
  val case1 = MuxCase(UInt(32.W), Seq((true.B, io.a)))
  val case2 = MuxCase(UInt(32.W), Seq((false.B, io.b)))
  io.out := case1(io.sel) | case2(io.sel)
}
