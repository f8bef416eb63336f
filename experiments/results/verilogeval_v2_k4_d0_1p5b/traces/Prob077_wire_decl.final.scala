import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(1.W))
    val b    = Input(UInt(1.W))
    val c    = Input(UInt(1.W))
    val d    = Input(UInt(1.W))
    val out  = Output(UInt(1.W))
    val out_n = Output(UInt(1.W))
  })
  val and1 = RegInit(false.B)
  val and2 = RegInit(false.B)
  val or1  = RegInit(false.B)
  val not1 = RegInit(false.B)
  and1 := io.a & io.b
  and2 := io.c & io.d
  or1  := and1 | and2
  not1 := or1 ^ true.B
  io.out  := not1
  io.out_n := not1.asBool
}
