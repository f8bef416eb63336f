import chisel3._
import chisel3.util._

class Adder32bit extends Module {
  val io = IO(new Bundle {
    val a    = Input(UInt(32.W))
    val b    = Input(UInt(32.W))
    val sum  = Output(UInt(33.W))
  })
  val c0   = io.a.asSInt + io.b.asSInt
  val c1   = c0.asSInt >> 1
  val c2   = c1.asSInt >> 1
  val c3   = c2.asSInt >> 1
  val c4   = c3.asSInt >> 1
  val c5   = c4.asSInt >> 1
  val c6   = c5.asSInt >> 1
  val c7   = c6.asSInt >> 1
  val c8   = c7.asSInt >> 1
  val c9   = c8.asSInt >> 1
  val c10  = c9.asSInt >> 1
  val c11  = c10.asSInt >> 1
  val c12  = c11.asSInt >> 1
  val c13  = c12.asSInt >> 1
  val c14  = c13.asSInt >> 1
  val c15  = c14.asSInt >> 1
  val c16  = c15.asSInt >> 1
  val c17  = c16.asSInt >> 1
  val c18  = c17.asSInt >> 1
  val c19  = c18.asSInt >> 1
  val c20  = c19.asSInt >> 1
  val c21  = c20.asSInt >> 1
  val c22  = c21.asSInt >> 1
  val c23  = c22.asSInt >> 1
  val c24  = c23.asSInt >> 1
  val c25  = c24.asSInt >> 1
  val c26  = c25.asSInt >> 1
  val c27  = c26.asSInt >> 1
  val c28  = c27.asSInt >> 1
  val c29  = c28.asSInt >> 1
  val c30  = c29.asSInt >> 1
  val c31  = c30.asSInt >> 1
  val c32  = c31.asSInt >> 1
  val sum  = Cat(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24, c25, c26, c27, c28, c29, c30, c31, c32)
  io.sum  := sum
}
